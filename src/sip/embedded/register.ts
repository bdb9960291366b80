import { randomInt } from "node:crypto";
import { SipError } from "../errors.js";
import type { Registration, RegisterOptions, SipPortEvents } from "../types.js";
import { grantedBinding } from "../register-binding.js";
import { formatUri, parseUri } from "../uri.js";
import { Authenticator } from "./authenticator.js";
import { makeRequest, randomToken } from "./builders.js";
import type { UaContext } from "./context.js";
import { getHeader, getHeaders, type SipResponse } from "./message.js";
import { requestWithAuth } from "./request.js";
import { later } from "./timers.js";

type Emit = <K extends keyof SipPortEvents>(event: K, payload: SipPortEvents[K]) => void;

/**
 * A REGISTER binding (RFC 3261 10.2) kept alive: refreshed before it expires
 * (half-way for short grants, 30 s early for long ones), re-tried with backoff
 * after a failure, removed with Expires: 0 on stop. One Call-ID and an
 * increasing CSeq for the life of the registration, as 10.2.4 asks.
 */
export class EmbeddedRegistration implements Registration {
  readonly aor: string;
  expiresAt = 0;
  private readonly callId = randomToken(12);
  private readonly fromTag = randomToken();
  private readonly auth: Authenticator;
  private seq = randomInt(1, 2 ** 20);
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private backoffS = 30;
  private requestedS: number;

  constructor(
    private readonly ctx: UaContext,
    private readonly options: RegisterOptions,
    private readonly emit: Emit,
  ) {
    this.aor = options.aor;
    this.auth = new Authenticator({ username: options.username, password: options.password });
    this.requestedS = options.expiresS;
  }

  /** Registers once; rejects with SipError when the registrar refuses. Refreshes are scheduled from here on. */
  async start(): Promise<void> {
    const granted = await this.send(this.requestedS);
    this.scheduleRefresh(granted);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.expiresAt === 0) return;
    this.expiresAt = 0;
    await this.send(0).catch((err: Error) =>
      this.ctx.logger.debug({ aor: this.aor, err: err.message }, "unregister failed"),
    );
  }

  private async send(expiresS: number): Promise<number> {
    const registrar = parseUri(this.options.registrar);
    if (!registrar)
      throw new SipError(416, "Unsupported URI Scheme", { details: { registrar: this.options.registrar } });
    const requestUri = formatUri({ ...registrar, user: undefined, params: {} } as typeof registrar);
    const transportParam = registrar.params.transport === "tcp" ? "tcp" : "udp";
    const transport = this.ctx.transports.includes(transportParam) ? transportParam : (this.ctx.transports[0] ?? "udp");
    const contactUri = this.ctx.local.contactUri(transport);
    let response: SipResponse;
    for (let tooBrief = 0; ; tooBrief++) {
      response = await requestWithAuth(
        this.ctx,
        (branch) => ({
          hop: this.options.registrar,
          request: makeRequest({
            method: "REGISTER",
            uri: requestUri,
            via: this.ctx.local.via(transport, branch),
            from: `<${this.aor}>;tag=${this.fromTag}`,
            to: `<${this.aor}>`,
            callId: this.callId,
            cseq: ++this.seq,
            contact: `<${contactUri}>`,
            headers: [
              ["Expires", String(expiresS)],
              ["User-Agent", this.ctx.userAgent],
            ],
          }),
        }),
        transport,
        this.auth,
      );
      // 423 Interval Too Brief: ask again with the registrar's minimum (once).
      const min = Number(getHeader(response, "min-expires"));
      if (response.status !== 423 || tooBrief > 0 || !(min > 0)) break;
      this.requestedS = expiresS = min;
    }
    if (response.status >= 300) throw new SipError(response.status, response.reason);
    if (expiresS === 0) return 0;
    const granted = grantedBinding(getHeaders(response, "contact"), contactUri, getHeader(response, "expires"));
    if (granted === null) throw new SipError(502, "Registrar kept no binding", { details: { contact: contactUri } });
    this.expiresAt = Date.now() + granted * 1000;
    this.backoffS = 30;
    this.emit("sip:registered", { aor: this.aor, expiresS: granted });
    return granted;
  }

  private scheduleRefresh(grantedS: number): void {
    if (this.stopped) return;
    const delayS = grantedS - Math.min(30, grantedS / 2);
    this.timer = later(Math.max(0.5, delayS) * 1000, () => void this.refresh());
  }

  private async refresh(): Promise<void> {
    if (this.stopped) return;
    try {
      this.scheduleRefresh(await this.send(this.requestedS));
    } catch (err) {
      const error = err instanceof SipError ? err : new SipError(503, "Service Unavailable", { cause: err });
      this.emit("sip:registration-failed", { aor: this.aor, error });
      if (this.expiresAt < Date.now()) this.expiresAt = 0;
      this.timer = later(this.backoffS * 1000, () => void this.refresh());
      this.backoffS = Math.min(this.backoffS * 2, 300);
    }
  }
}
