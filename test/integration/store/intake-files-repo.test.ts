import { afterEach, describe, expect, it } from "vitest";
import { IntakeFilesRepo, type IntakeFileRecord } from "../../../src/store/repos/intake-files-repo.js";
import { createPostgresSql } from "../../../src/store/sql/index.js";
import { scratchSchema, testPostgresUrl } from "../../helpers/postgres.js";
import { storeEngines, type OpenedStore } from "../../helpers/sql-stores.js";

const opened: OpenedStore[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});

const handed = (sha256: string, over: Partial<IntakeFileRecord> = {}): IntakeFileRecord => ({
  sha256,
  folder: "/var/spool/asterisk/voicemail",
  path: `/var/spool/asterisk/voicemail/default/1001/INBOX/${sha256}.wav`,
  size: 64_044,
  mtimeMs: 1_796_480_000_123.75,
  status: "handed",
  error: null,
  takenAt: 1_796_480_001_000,
  ...over,
});

describe.each(await storeEngines())("the folder intake's record on $label", ({ skip, open }) => {
  async function repo(scrub?: (t: string) => string): Promise<IntakeFilesRepo> {
    const s = await open();
    opened.push(s);
    return new IntakeFilesRepo(s.sql, scrub);
  }

  it.skipIf(skip)(
    "records once (the first record stands), with the path and refusal masked, mtime whole ms",
    async () => {
      const r = await repo((t) => t.replace(/\d{4,}/g, "[number]"));
      expect(await r.get("a")).toBeNull();
      expect(await r.record(handed("a", { path: "/spool/5551234.wav" }))).toBe(true);
      expect(await r.record(handed("a", { status: "rejected", error: "again" }))).toBe(false);
      expect(await r.get("a")).toEqual({ ...handed("a"), path: "/spool/[number].wav", mtimeMs: 1_796_480_000_123 });
      await r.record(handed("b", { status: "rejected", error: "invalid WAV from 5559876" }));
      expect((await r.get("b"))?.error).toBe("invalid WAV from [number]");
    },
  );

  it.skipIf(skip)("notes where a known recording sits now, and lists a folder's recordings", async () => {
    const r = await repo();
    await r.record(handed("a"));
    await r.record(handed("b", { folder: "/other" }));
    await r.seenAt("a", { path: "/moved/msg0000.wav", size: 10, mtimeMs: 5.5 });
    expect(await r.known("/var/spool/asterisk/voicemail")).toEqual([
      { path: "/moved/msg0000.wav", size: 10, mtimeMs: 5 },
    ]);
    expect(await r.known("/nowhere")).toEqual([]);
  });

  it.skipIf(skip)(
    "fixes a folder's baseline the first time it is asked for; later proposals do not move it",
    async () => {
      const r = await repo();
      expect(await r.storedBaseline("/f")).toBeNull();
      expect(await r.baseline("/f", 1000.9, 1)).toBe(1000);
      expect(await r.baseline("/f", 0, 2)).toBe(1000);
      expect(await r.storedBaseline("/f")).toBe(1000);
    },
  );

  it.skipIf(skip)(
    "a claim is held by one owner until its lease runs out or it is released; recording drops it",
    async () => {
      const r = await repo();
      expect(await r.claim("a", "node-1", 1000, 500)).toBe(true);
      expect(await r.claim("a", "node-2", 1200, 500)).toBe(false);
      expect(await r.claim("a", "node-1", 1300, 500)).toBe(false); // not twice, even by its holder
      // Only the holder releases it.
      await r.release("a", "node-2");
      expect(await r.claim("a", "node-2", 1400, 500)).toBe(false);
      // node-1 died: at the end of its lease node-2 takes over, and node-1's late release does not undo that.
      expect(await r.claim("a", "node-2", 1500, 500)).toBe(true);
      await r.release("a", "node-1");
      expect(await r.claim("a", "node-3", 1600, 500)).toBe(false);
      // Recorded with its claim: no one claims it after (the watcher checks the record too), and the claim is gone.
      expect(await r.record(handed("a"), "node-2")).toBe(true);
      expect(await r.claim("a", "node-3", 1700, 500)).toBe(true);
      await r.release("a", "node-3");
      expect(await r.claim("a", "node-1", 1700, 500)).toBe(true);
    },
  );
});

describe.each((await storeEngines()).filter((e) => e.engine === "postgres"))(
  "claims raced by two nodes on $label",
  ({ skip }) => {
    it.skipIf(skip)(
      "of 40 recordings claimed at once by two stores on one schema, each goes to exactly one",
      async () => {
        const scratch = scratchSchema();
        const nodes = [0, 1].map(() =>
          createPostgresSql({ url: testPostgresUrl, schema: scratch.schema, poolSize: 8 }),
        );
        try {
          for (const n of nodes) await n.open();
          const [a, b] = nodes.map((n) => new IntakeFilesRepo(n));
          const shas = Array.from({ length: 40 }, (_, i) => `sha-${i}`);
          const won = await Promise.all(
            shas.flatMap((sha) => [
              a!.claim(sha, "a", 1000, 60_000).then((ok) => (ok ? `a:${sha}` : null)),
              b!.claim(sha, "b", 1000, 60_000).then((ok) => (ok ? `b:${sha}` : null)),
            ]),
          );
          const winners = won.filter((w): w is string => w !== null);
          expect(winners).toHaveLength(40);
          expect(new Set(winners.map((w) => w.slice(2)))).toEqual(new Set(shas));
        } finally {
          for (const n of nodes) await n.close();
          await scratch.drop();
        }
      },
      120_000,
    );
  },
);
