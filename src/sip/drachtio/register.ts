import type { Logger } from "../../lib/logger.js";
import { SipError } from "../errors.js";
import { grantedBinding } from "../register-binding.js";
import type { Registration, RegisterOptions, SipPortEvents } from "../types.js";
import { parseUri } from "../uri.js";
import { requestFinal } from "./request.js";
import type { SrfClient } from "./srf-types.js";

type Emit = <K extends keyof SipPortEvents>(event: K, payload: SipPortEvents[K]) => void;

/**
 * REGISTER through drachtio-server, refreshed before expiry. drachtio-server
 * answers the digest challenge (`auth`) but adds no Contact to a REGISTER, so
 * we send ours (the AOR's user at drachtio-server's SIP address); a 200 that
 * does not list that binding is a failure, not a registration.
 */
export class DrachtioRegistration implements Registration {
  readonly aor: string;
  expiresAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly srf: SrfClient,
    private readonly options: RegisterOptions,
    /** drachtio-server's SIP address, where the registrar should send calls for the AOR. */
    private readonly sipAddress: () => { host: string; port: number },
    private readonly emit: Emit,
    private readonly logger: Logger,
  ) {
    this.aor = options.aor;
  }

  async start(): Promise<void> {
    await this.send(this.options.expiresS);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.expiresAt > 0)
      await this.send(0).catch((err: Error) => this.logger.debug({ err: err.message }, "unregister failed"));
    this.expiresAt = 0;
  }

  /** Our Contact: the AOR's user at drachtio-server, over the registrar's transport. */
  get contactUri(): string {
    const { host, port } = this.sipAddress();
    const user = parseUri(this.aor)?.user ?? "parley";
    const tcp = parseUri(this.options.registrar)?.params.transport?.toLowerCase() === "tcp";
    return `sip:${user}@${host.includes(":") ? `[${host}]` : host}:${port}${tcp ? ";transport=tcp" : ""}`;
  }

  private async send(expiresS: number): Promise<void> {
    const contact = this.contactUri;
    const res = await requestFinal(this.srf, this.options.registrar, {
      method: "REGISTER",
      headers: { To: `<${this.aor}>`, From: `<${this.aor}>`, Contact: `<${contact}>`, Expires: String(expiresS) },
      auth: { username: this.options.username, password: this.options.password },
    });
    if (res.status >= 300) throw new SipError(res.status, res.reason);
    if (expiresS === 0 || this.stopped) return;
    const granted = grantedBinding([res.get("contact") ?? ""], contact, res.get("expires"));
    if (granted === null) throw new SipError(502, "Registrar kept no binding", { details: { contact } });
    this.expiresAt = Date.now() + granted * 1000;
    this.emit("sip:registered", { aor: this.aor, expiresS: granted });
    this.schedule(Math.max(1, granted - Math.min(30, granted / 2)));
  }

  private schedule(delayS: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.send(this.options.expiresS).catch((err: unknown) => {
        const error = err instanceof SipError ? err : new SipError(503, "Service Unavailable", { cause: err });
        this.emit("sip:registration-failed", { aor: this.aor, error });
        this.schedule(30);
      });
    }, delayS * 1000);
    this.timer.unref();
  }
}
