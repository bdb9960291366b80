import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startIntakes, type Intakes } from "../../../src/app/intakes.js";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { postgresUnavailable, queryIn, scratchSchema, testPostgresUrl } from "../../helpers/postgres.js";
import { waitFor } from "../jobs/helpers.js";
import { toneWav } from "./mail-helpers.js";
import { sha256, writeMessage } from "./spool-writer.js";

// Two nodes (each its own SQLite file) on one PostgreSQL store, both watching one spool folder (a share mounted on
// both): every recording is handed on by exactly one of them, and both list every voicemail.
const skip = await postgresUnavailable();

describe.skipIf(skip)(`a spool folder watched by two nodes${skip ? ` (skipped: ${skip})` : ""}`, () => {
  const nodes: TestApp[] = [];
  const intakes: Intakes[] = [];
  const schema = scratchSchema();
  const dir = mkdtempSync(join(tmpdir(), "parley-shared-spool-"));
  const spool = join(dir, "voicemail");
  /** Each hand-off, by node and recording. */
  const handed: { node: number; sha: string }[] = [];

  beforeAll(async () => {
    mkdirSync(spool, { recursive: true });
    for (let i = 0; i < 2; i++) {
      const t = await createTestApp({
        config: {
          store: { url: testPostgresUrl, schema: schema.schema, poolSize: 4 },
          // Backfill: both nodes start at once, and the messages below must count as new on both.
          intake: { folders: [{ path: spool, stableMs: 300, pollMs: 50, backfill: true }] },
        },
      });
      nodes.push(t);
      const node = i;
      intakes.push(
        await startIntakes(
          t.services,
          {
            // A hand-off that takes a while, as a real one does (decode, store, queue): without a claim, the other
            // node's scan would see the same file ready meanwhile and hand it on too.
            ingest: async (msg) => {
              handed.push({ node, sha: sha256(msg.bytes) });
              await new Promise((r) => setTimeout(r, 100));
              return t.features.voicemail.ingest(msg);
            },
          },
          null,
        ),
      );
    }
  }, 180_000);

  afterAll(async () => {
    for (const i of intakes) await i.close();
    for (const t of nodes) await t.close();
    await schema.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("hands each of 16 recordings on once between the two nodes; each node lists all 16", async () => {
    const wavs = Array.from({ length: 16 }, (_, i) => toneWav(300 + i * 20, 400 + i * 15));
    for (let i = 0; i < wavs.length; i++)
      await writeMessage(spool, {
        mailbox: i % 2 === 0 ? "1001" : "1002",
        n: Math.floor(i / 2),
        audio: { wav: wavs[i]! },
        callerid: `<5550${100 + i}>`,
        origtime: 1_796_480_000 + i,
      });
    const expected = wavs.map((w) => sha256(w)).sort();
    await waitFor(
      async () =>
        (await queryIn<{ n: string }>(schema.schema, "SELECT count(*) AS n FROM intake_files"))[0]?.n === "16",
      "all 16 recorded",
      60_000,
    );
    // A few more polls of both nodes: nothing is handed on again.
    await new Promise((r) => setTimeout(r, 1000));
    expect(handed.map((h) => h.sha).sort()).toEqual(expected);
    const rows = await queryIn<{ status: string }>(schema.schema, "SELECT status FROM intake_files");
    expect(rows.every((r) => r.status === "handed")).toBe(true);
    expect(await queryIn(schema.schema, "SELECT * FROM intake_claims")).toEqual([]);
    for (const t of nodes) {
      const res = await t.request("/v1/voicemails?limit=50");
      expect(res.status).toBe(200);
      expect(((await res.json()) as { items: unknown[] }).items).toHaveLength(16);
    }
    console.log(
      `shared spool: node 0 took ${handed.filter((h) => h.node === 0).length}, node 1 took ${handed.filter((h) => h.node === 1).length}`,
    );
  }, 120_000);
});
