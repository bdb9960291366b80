import type { Logger } from "../../lib/logger.js";
import { SipError } from "../errors.js";
import type { Registration, RegisterOptions, SipPortEvents } from "../types.js";
import type { SrfClient, SrfFinalResponse } from "./srf-types.js";

type Emit = <K extends keyof SipPortEvents>(event: K, payload: SipPortEvents[K]) => void;

/** REGISTER through drachtio-server (it adds Contact and answers the digest challenge with `auth`), refreshed before expiry. */
export class DrachtioRegistration implements Registration {
  readonly aor: string;
  expiresAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly srf: SrfClient, private readonly options: RegisterOptions, private readonly emit: Emit, private readonly logger: Logger) {
    this.aor = options.aor;
  }

  async start(): Promise<void> {
    await this.send(this.options.expiresS);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.expiresAt > 0) await this.send(0).catch((err: Error) => this.logger.debug({ err: err.message }, "unregister failed"));
    this.expiresAt = 0;
  }

  private async send(expiresS: number): Promise<void> {
    const req = await this.srf.request(this.options.registrar, {
      method: "REGISTER",
      headers: { "To": `<${this.aor}>`, "From": `<${this.aor}>`, "Expires": String(expiresS) },
      auth: { username: this.options.username, password: this.options.password },
    });
    const res = await new Promise<SrfFinalResponse>((resolve) => req.on("response", (r) => r.status >= 200 && resolve(r)));
    if (res.status >= 300) throw new SipError(res.status, res.reason);
    if (expiresS === 0 || this.stopped) return;
    const granted = Number(res.get("expires")) > 0 ? Number(res.get("expires")) : expiresS;
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
