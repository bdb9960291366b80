import { existsSync } from "node:fs";
import { join } from "node:path";
import type { ApiDeps } from "../deps.js";
import { Operators } from "./auth/operators.js";
import { ConsoleSessionsRepo } from "../../store/repos/console-sessions-repo.js";
import { ConcurrencyGate } from "../../lib/concurrency-gate.js";
import { LoginRateLimiter } from "./auth/rate-limit.js";
import { loadConsoleSecret } from "./auth/secret.js";
import { SessionSigner, type ConsoleSession } from "./auth/session.js";

/** Hono variables of a signed-in console request. */
export type ConsoleEnv = { Variables: { session: ConsoleSession; csrf: string } };

/** What the console's routes share: the services, the operator accounts, the session signer, the login limiter. */
export interface ConsoleDeps {
  /** What sign-in and the guard read: API keys (sign-in with a key), the store, the clock, the logger, the data dir. */
  services: Pick<ApiDeps, "apiKeys" | "clock" | "config" | "logger" | "sql">;
  operators: Operators;
  /** Logouts (and, on PostgreSQL, the signing secret), shared by the nodes of one store. */
  sessions: ConsoleSessionsRepo;
  limiter: LoginRateLimiter;
  /** Password hashes run at once, and waiting; more sign-ins than that get 429 (a flood cannot hold the thread pool). */
  hashing: ConcurrencyGate;
  /**
   * The signer, made on first use with the install's secret: `<dataDir>/console-secret` on SQLite (created then),
   * the store's `console_secret` row on PostgreSQL (one for every node, so a cookie from one node works on all).
   */
  signer(): Promise<SessionSigner>;
  sessionTtlMs: number;
}

export const SESSION_COOKIE = "parley_session";
export const LOGIN_COOKIE = "parley_login";
/** A working day, so a session outlives a shift but not a night. */
export const SESSION_TTL_MS = 12 * 60 * 60_000;

export function consoleDeps(services: ConsoleDeps["services"]): ConsoleDeps {
  let signer: Promise<SessionSigner> | null = null;
  const sessions = new ConsoleSessionsRepo(services.sql);
  // A node moved to store.url with its old accounts file: they are not in the shared store, and nothing reads it.
  const legacy = join(services.config.dataDir, "operators.json");
  if (services.sql.dialect === "postgres" && existsSync(legacy))
    services.logger.warn(
      { file: legacy },
      "operators.json is not read with store.url: copy its accounts with `parley store copy-to-postgres` (into an empty store) or add them again with `parley operators add`",
    );
  const secret = async () =>
    services.sql.dialect === "postgres"
      ? sessions.sharedSecret(services.clock.now())
      : loadConsoleSecret(services.config.dataDir);
  return {
    services,
    operators: new Operators(services.sql, services.config.dataDir),
    sessions,
    limiter: new LoginRateLimiter(),
    // Two scrypt hashes at once (of libuv's four threads, so file and DNS work goes on); 32 more may wait (~2 s):
    // room for one address's 10 allowed attempts and an operator elsewhere; a flood from many addresses gets 429.
    hashing: new ConcurrencyGate(2, 32),
    signer: () => {
      // A failed attempt (the store unreachable) is not kept: the next request tries again.
      signer ??= secret().then(
        (key) => new SessionSigner(key),
        (err: unknown) => {
          signer = null;
          throw err;
        },
      );
      return signer;
    },
    sessionTtlMs: SESSION_TTL_MS,
  };
}
