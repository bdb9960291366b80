import type { ApiDeps } from "../deps.js";
import { OperatorStore } from "./auth/operators.js";
import { ConcurrencyGate } from "../../lib/concurrency-gate.js";
import { LoginRateLimiter } from "./auth/rate-limit.js";
import { loadConsoleSecret } from "./auth/secret.js";
import { SessionSigner, type ConsoleSession } from "./auth/session.js";

/** Hono variables of a signed-in console request. */
export type ConsoleEnv = { Variables: { session: ConsoleSession; csrf: string } };

/** What the console's routes share: the services, the operator accounts, the session signer, the login limiter. */
export interface ConsoleDeps {
  /** What sign-in and the guard read: API keys (sign-in with a key), the clock, the logger, the data dir. */
  services: Pick<ApiDeps, "apiKeys" | "clock" | "config" | "logger">;
  operators: OperatorStore;
  limiter: LoginRateLimiter;
  /** Password hashes run at once, and waiting; more sign-ins than that get 429 (a flood cannot hold the thread pool). */
  hashing: ConcurrencyGate;
  /** The signer, made on first use (that is when `<dataDir>/console-secret` is created). */
  signer(): SessionSigner;
  sessionTtlMs: number;
}

export const SESSION_COOKIE = "parley_session";
export const LOGIN_COOKIE = "parley_login";
/** A working day, so a session outlives a shift but not a night. */
export const SESSION_TTL_MS = 12 * 60 * 60_000;

export function consoleDeps(services: ConsoleDeps["services"]): ConsoleDeps {
  let signer: SessionSigner | null = null;
  return {
    services,
    operators: OperatorStore.forDataDir(services.config.dataDir),
    limiter: new LoginRateLimiter(),
    // Two scrypt hashes at once (of libuv's four threads, so file and DNS work goes on); 32 more may wait (~2 s):
    // room for one address's 10 allowed attempts and an operator elsewhere; a flood from many addresses gets 429.
    hashing: new ConcurrencyGate(2, 32),
    signer: () => (signer ??= new SessionSigner(loadConsoleSecret(services.config.dataDir))),
    sessionTtlMs: SESSION_TTL_MS,
  };
}
