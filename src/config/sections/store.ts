import { z } from "zod";

/**
 * Where Parley keeps its state. Without `url`, everything is in the embedded
 * SQLite database `<dataDir>/parley.db`. `url: postgres://user:pass@host/db`
 * moves the job queue to PostgreSQL, so several `parley worker`/`parley serve`
 * processes on several machines share one queue (FOR UPDATE SKIP LOCKED,
 * LISTEN/NOTIFY wake-ups), the API keys and the agents made through the API
 * (the repositories on the SQL port, `store/sql`). Calls, voicemails, campaigns
 * and the other repositories stay in each node's SQLite file for now
 * (docs/scale-out.md says what is and is not shared).
 */
export const storeSection = z
  .object({
    /** postgres://user:password@host:5432/database (or postgresql://); absent = SQLite only. */
    url: z
      .string()
      .superRefine((u, ctx) => {
        const problem = postgresUrlProblem(u);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .optional(),
    /** The PostgreSQL schema holding the queue's and the shared repositories' tables (created when missing); lets installations share a database. */
    schema: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, "a schema name is lower-case letters, digits and '_' (at most 63)")
      .default("public"),
    /** Connections each process keeps open to PostgreSQL for the queue, and as many for the shared repositories (a few more listen for wake-ups, events and agent changes). */
    poolSize: z.number().int().min(1).max(100).default(10),
  })
  .strict();

export type StoreConfig = z.infer<typeof storeSection>;

/** Why `url` cannot name a PostgreSQL database, or null when it can. */
export function postgresUrlProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `'${redactUrl(url)}' is not a URL; expected postgres://user:password@host:5432/database`;
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:")
    return `only postgres:// (or postgresql://) URLs are supported, got ${parsed.protocol}//; leave store.url out for the embedded SQLite database`;
  if (parsed.pathname.length <= 1) return "names no database: expected postgres://user:password@host:5432/database";
  return null;
}

/** The URL with its password replaced, for errors and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, ":***@");
  }
}
