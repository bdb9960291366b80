import { afterAll, beforeAll } from "vitest";
import { createTestApp, type TestApp } from "./app.js";
import { scratchSchema, testPostgresUrl } from "./postgres.js";

/**
 * `count` apps (each its own SQLite file, as nodes have) on one scratch PostgreSQL schema, made in beforeAll and
 * closed (the schema dropped) in afterAll of the calling describe: nodes sharing a store, for the two-node tests.
 */
export function nodesOnOneSchema(count = 2): TestApp[] {
  const nodes: TestApp[] = [];
  const schema = scratchSchema();
  beforeAll(async () => {
    for (let i = 0; i < count; i++)
      nodes.push(
        await createTestApp({ config: { store: { url: testPostgresUrl, schema: schema.schema, poolSize: 2 } } }),
      );
  }, 180_000);
  afterAll(async () => {
    for (const t of nodes) await t.close();
    await schema.drop();
  });
  return nodes;
}
