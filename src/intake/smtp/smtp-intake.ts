import { createHash, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { SMTPServer, type SMTPServerDataStream, type SMTPServerOptions, type SMTPServerSession } from "smtp-server";
import { HOST_PORT, type SmtpIntakeConfig } from "../../config/sections/intake.js";
import { systemClock, type Clock } from "../../lib/clock.js";
import { ConfigError, ParleyError } from "../../lib/errors.js";
import type { Logger } from "../../lib/logger.js";
import type { RecordingLimits } from "../recording.js";
import type { VoicemailHandler } from "../types.js";
import { acceptMail, type AcceptContext } from "./accept-mail.js";
import { compilePatterns } from "./patterns.js";
import { SenderPolicy } from "./sender-policy.js";
import { smtpError } from "./smtp-reply.js";

export interface SmtpIntakeDeps {
  /** Where each voicemail goes (the voicemail feature's ingest, in the app). */
  onVoicemail: VoicemailHandler;
  /** ffmpeg and the voicemail limits, to refuse an attachment that does not decode before anything is stored. */
  recordings: RecordingLimits;
  logger: Logger;
  clock?: Clock;
  /** How long the handler may take before the mail gets a 451 (default 120 s). */
  handlerTimeoutMs?: number;
}

export interface SmtpIntake {
  /** Where it listens (the real port when 0 was asked). */
  readonly address: { host: string; port: number };
  /** Stops listening, lets a mail in progress finish for up to ~5 s, then drops the rest. */
  close(): Promise<void>;
}

/**
 * Voicemail-to-email: an SMTP listener (smtp-server) that takes mail from the
 * PBX, hands the first audio attachment on as a voicemail candidate, and
 * answers so the PBX's mail queue knows what happened: 250 taken, 554 refused
 * for good (no audio, audio that does not decode), 451 try again (the handler
 * failed for now), 552 too large, 530/535 AUTH, 554/553 not allowed.
 * @example const smtp = await startSmtpIntake(config.intake.smtp, { onVoicemail: (c) => voicemail.ingest(...), recordings, logger })
 */
export async function startSmtpIntake(config: SmtpIntakeConfig, deps: SmtpIntakeDeps): Promise<SmtpIntake> {
  const { host, port } = parseListen(config.listen);
  const policy = new SenderPolicy(config.allowFrom);
  const closing = new AbortController();
  const ctx: AcceptContext = {
    patterns: compilePatterns(config.patterns),
    defaultMailbox: config.defaultMailbox ?? null,
    recordings: deps.recordings,
    onVoicemail: deps.onVoicemail,
    clock: deps.clock ?? systemClock,
    logger: deps.logger,
    signal: closing.signal,
    handlerTimeoutMs: deps.handlerTimeoutMs ?? 120_000,
  };
  warnAboutExposure(config, policy, host, deps.logger);
  const server = new SMTPServer({
    ...serverOptions(config),
    onConnect(session, callback) {
      if (policy.hostAllowed(session.remoteAddress) || config.auth) return callback();
      deps.logger.warn({ src: session.remoteAddress }, "smtp intake: connection from a host outside allowFrom refused");
      callback(smtpError(554, `${session.remoteAddress} may not send voicemail here (intake.smtp.allowFrom)`, "5.7.1"));
    },
    onAuth(auth, _session, callback) {
      const user = config.auth?.users.find((u) => u.username === auth.username);
      if (user && auth.password && sameSecret(auth.password, user.password))
        return callback(null, { user: user.username });
      deps.logger.warn({ user: auth.username, method: auth.method }, "smtp intake: failed login");
      callback(smtpError(535, "authentication failed: unknown user or wrong password"));
    },
    onMailFrom(address, session, callback) {
      const mustLogIn =
        config.auth !== undefined && (config.auth.required || !policy.hostAllowed(session.remoteAddress));
      if (mustLogIn && !session.user)
        return callback(smtpError(530, "authentication required: log in (AUTH PLAIN or LOGIN) before sending"));
      if (!policy.senderAllowed(address.address)) {
        deps.logger.warn(
          { src: session.remoteAddress, sender: address.address },
          "smtp intake: sender outside allowFrom refused",
        );
        return callback(
          smtpError(553, `sender <${address.address}> may not send voicemail here (intake.smtp.allowFrom)`),
        );
      }
      callback();
    },
    onData(stream, session, callback) {
      receive(stream, session, config.maxMessageBytes, ctx, callback);
    },
  });
  server.on("error", (err) => deps.logger.error({ err: err.message }, "smtp intake: listener error"));
  const address = await listen(server, host, port, config.listen);
  deps.logger.info(
    {
      listen: `${address.host}:${address.port}`,
      auth: config.auth ? "on" : "off",
      tls: config.tls ? "starttls" : "off",
    },
    "smtp intake listening",
  );
  return {
    address,
    async close() {
      closing.abort(new ParleyError("shutting_down", "the SMTP intake is closing", { status: 503, retryable: true }));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Reads the message up to the size limit (smtp-server answers 552 past it), then takes it. */
function receive(
  stream: SMTPServerDataStream,
  session: SMTPServerSession,
  limit: number,
  ctx: AcceptContext,
  callback: (err?: Error | null, message?: string) => void,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let answered = false;
  const answer = (err: Error | null, message?: string) => {
    if (answered) return;
    answered = true;
    callback(err, message);
  };
  stream.on("data", (chunk: Buffer) => {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
  });
  stream.on("error", (err) => answer(smtpError(451, `the mail could not be read: ${err.message}`)));
  stream.on("end", () => {
    if (stream.sizeExceeded) return answer(smtpError(552, `the mail is larger than ${limit} bytes`));
    const recipients = session.envelope.rcptTo.map((r) => r.address);
    acceptMail(Buffer.concat(chunks), recipients, ctx, performance.now()).then(
      (message) => answer(null, message),
      (err: Error) => answer(err),
    );
  });
}

function serverOptions(config: SmtpIntakeConfig): SMTPServerOptions {
  const disabled = [...(config.auth ? [] : ["AUTH"]), ...(config.tls ? [] : ["STARTTLS"])];
  return {
    name: config.hostname,
    banner: "Parley voicemail intake",
    size: config.maxMessageBytes,
    rejectOversized: true,
    authMethods: ["PLAIN", "LOGIN"],
    authOptional: true,
    // Without TLS configured, AUTH goes in clear text (documented: keep the listener on a trusted network or put TLS in front).
    allowInsecureAuth: !config.tls,
    disabledCommands: disabled,
    // Enhanced status codes (RFC 2034/3463) advertised and sent: 5.6.0 for no audio, 4.3.0 for try again.
    hideENHANCEDSTATUSCODES: false,
    disableReverseLookup: true,
    maxClients: config.maxClients,
    maxRecipients: 10,
    socketTimeout: config.socketTimeoutMs,
    closeTimeout: 5000,
    logger: false,
    ...(config.tls ? { key: readPem(config.tls.key, "key"), cert: readPem(config.tls.cert, "cert") } : {}),
  };
}

function readPem(path: string, field: "key" | "cert"): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ConfigError(`intake.smtp.tls.${field}: cannot read ${path}: ${(err as Error).message}`);
  }
}

function parseListen(listen: string): { host: string; port: number } {
  const m = HOST_PORT.exec(listen);
  if (!m) throw new ConfigError(`intake.smtp.listen: expected HOST:PORT, got ${JSON.stringify(listen)}`);
  return { host: m[1] ?? m[2] ?? "127.0.0.1", port: Number(m[3]) };
}

function listen(server: SMTPServer, host: string, port: number, text: string): Promise<{ host: string; port: number }> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const hint =
        err.code === "EACCES"
          ? " (ports below 1024 need privileges: listen on 2525 and point the PBX's relay there)"
          : err.code === "EADDRINUSE"
            ? " (another program listens there)"
            : "";
      reject(
        new ParleyError("smtp_listen_failed", `intake.smtp.listen ${text}: ${err.message}${hint}`, {
          status: 500,
          cause: err,
        }),
      );
    };
    server.server.once("error", onError);
    server.listen(port, host, () => {
      server.server.off("error", onError);
      const address = server.server.address();
      resolve({ host, port: typeof address === "object" && address ? address.port : port });
    });
  });
}

function sameSecret(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

function warnAboutExposure(config: SmtpIntakeConfig, policy: SenderPolicy, host: string, logger: Logger): void {
  if (policy.open && !config.auth)
    logger.warn("smtp intake: allowFrom is empty and no auth is set: anyone who reaches the port can leave voicemail");
  const loopback = host === "127.0.0.1" || host === "::1" || host === "localhost";
  if (config.auth && !config.tls && !loopback)
    logger.warn(
      { listen: config.listen },
      "smtp intake: AUTH without TLS sends passwords in clear text; set intake.smtp.tls or put TLS in front",
    );
}
