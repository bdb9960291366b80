import { randomBytes } from "node:crypto";
import pg from "pg";

/**
 * The PostgreSQL the tests use: PARLEY_TEST_POSTGRES_URL, or the role and
 * database `.ci/run` creates (docs/scale-out.md shows the same commands for a
 * development machine). Tests that need it skip with the reason when it does
 * not answer.
 */
export const testPostgresUrl =
  process.env["PARLEY_TEST_POSTGRES_URL"] ?? "postgres://parley_test:parley_test@127.0.0.1:5432/parley_test";

let probe: Promise<string | null> | null = null;

/** Why PostgreSQL tests cannot run here, or null when they can (asked once per test file). */
export function postgresUnavailable(): Promise<string | null> {
  probe ??= (async () => {
    const client = new pg.Client({ connectionString: testPostgresUrl, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query("SELECT 1");
      return null;
    } catch (err) {
      const where = testPostgresUrl.replace(/:[^:@/]*@/, ":***@");
      return `no PostgreSQL at ${where} (${(err as Error).message}); .ci/run starts one, or set PARLEY_TEST_POSTGRES_URL`;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return probe;
}

/** A fresh schema name of this test's own, and the drop that removes it with everything in it. */
export function scratchSchema(): { schema: string; drop: () => Promise<void> } {
  const schema = `t_${randomBytes(6).toString("hex")}`;
  return {
    schema,
    drop: async () => {
      const client = new pg.Client({ connectionString: testPostgresUrl });
      try {
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end().catch(() => {});
      }
    },
  };
}

/** One query on the test database with `search_path` set to `schema` (assertions on rows). */
export async function queryIn<R extends object>(schema: string, text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: testPostgresUrl, options: `-c search_path="${schema}"` });
  try {
    await client.connect();
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end().catch(() => {});
  }
}
