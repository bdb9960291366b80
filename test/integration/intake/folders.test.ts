import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseWav } from "../../../src/audio/index.js";
import { validate } from "../../../src/config/index.js";
import type { FolderIntakeConfig } from "../../../src/config/sections/intake.js";
import { startFolderIntake, type FolderIntake } from "../../../src/intake/folders/index.js";
import type { VoicemailCandidate } from "../../../src/intake/types.js";
import { ParleyError } from "../../../src/lib/errors.js";
import { openDatabase, type Database } from "../../../src/store/index.js";
import { IntakeFilesRepo } from "../../../src/store/repos/intake-files-repo.js";
import { SqliteSql } from "../../../src/store/sql/index.js";
import { scratchDir } from "../../helpers/scratch.js";
import { captureLogger } from "../sip/helpers.js";
import { createLogger } from "../../../src/lib/logger.js";
import { FFMPEG, gsmWav, noFfmpeg, toneWav } from "./mail-helpers.js";
import { inbox, msgName, sha256, writeMessage } from "./spool-writer.js";

/**
 * Watched spool folders on real files and a real SQLite file: recordings written as Asterisk writes them (audio
 * first, in pieces, then msgNNNN.txt), a restart halfway through a batch, Asterisk renumbering its messages, the
 * baseline of a folder already full, bad audio, a failing handler, deleteAfter, and a plain folder taken by
 * stability alone. Short stableMs/pollMs keep the tests quick; the defaults are 2 s each.
 */

const FAST = { stableMs: 300, pollMs: 50 };

interface Handed {
  candidate: VoicemailCandidate;
  sha: string;
  /** Date.now() when the handler was called. */
  at: number;
  run: number;
}

/** Every intake and database a test started, closed after it. */
const running: { intake: FolderIntake; db: Database }[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) {
    await r.intake.close();
    r.db.close();
  }
});

function setup() {
  const dir = scratchDir("folder-intake");
  const root = join(dir, "voicemail");
  mkdirSync(root, { recursive: true });
  const dbFile = join(dir, "parley.db");
  const handed: Handed[] = [];
  let run = 0;
  let current: { intake: FolderIntake; db: Database } | null = null;
  let behave: (c: VoicemailCandidate) => Promise<void> = async () => {};
  const start = async (folder: Partial<FolderIntakeConfig> = {}) => {
    run += 1;
    const thisRun = run;
    const db = openDatabase(dbFile);
    const [config] = validate({ intake: { folders: [{ path: root, ...FAST, ...folder }] } }).intake.folders;
    const intake = await startFolderIntake([config!], {
      sql: new SqliteSql(db),
      onVoicemail: async (candidate) => {
        const at = Date.now();
        await behave(candidate);
        handed.push({ candidate, sha: sha256(candidate.bytes), at, run: thisRun });
      },
      recordings: { ffmpeg: FFMPEG, maxDurationMs: 600_000 },
      logger: process.env.DEBUG_INTAKE
        ? createLogger({ level: "debug" }, process.stdout)
        : captureLogger("silent").logger,
    });
    current = { intake, db };
    running.push(current);
  };
  const stop = async () => {
    if (!current) return;
    running.splice(running.indexOf(current), 1);
    await current.intake.close();
    current.db.close();
    current = null;
  };
  return { root, dbFile, handed, start, stop, setBehaviour: (b: typeof behave) => (behave = b) };
}

async function waitFor(check: () => boolean, timeoutMs = 10_000, what = "condition"): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** What the intake recorded of a recording, read from its SQLite file once the intake has stopped. */
async function readRecord(dbFile: string, sha: string) {
  const db = openDatabase(dbFile);
  try {
    return await new IntakeFilesRepo(new SqliteSql(db)).get(sha);
  } finally {
    db.close();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("watched spool folders", () => {
  it("takes a recording written the Asterisk way only once its .txt is there, with mailbox, caller and origtime from it", async () => {
    const s = setup();
    await s.start();
    const wav = toneWav(2000);
    const origtime = Math.floor(Date.now() / 1000) - 30;
    const { audioPaths, txtPath } = await writeMessage(s.root, {
      mailbox: "1001",
      n: 0,
      audio: { wav },
      callerid: '"Alice Smith" <5551234>',
      origtime,
      pieces: 5,
      pieceGapMs: 80,
      noTxt: true,
    });
    // The audio is complete and stable for well over stableMs, but Asterisk has not written the .txt yet.
    await sleep(FAST.stableMs * 3);
    expect(s.handed).toHaveLength(0);
    const { messageTxt } = await import("./spool-writer.js");
    writeFileSync(txtPath, messageTxt({ mailbox: "1001", callerid: '"Alice Smith" <5551234>', origtime, n: 0 }));
    const txtAt = Date.now();
    await waitFor(() => s.handed.length === 1, 10_000, "the hand-off");
    const c = s.handed[0]!.candidate;
    expect(Buffer.from(c.bytes).equals(wav)).toBe(true);
    expect(c).toMatchObject({
      mailbox: "1001",
      caller: { number: "5551234", name: "Alice Smith" },
      receivedAt: origtime * 1000,
      source: "folder",
      origin: audioPaths[0],
      contentType: "audio/wav",
      filename: "msg0000.wav",
    });
    // Never moved or deleted.
    expect(existsSync(audioPaths[0]!) && existsSync(txtPath)).toBe(true);
    console.log(
      `folder intake (stableMs ${FAST.stableMs}, pollMs ${FAST.pollMs}): ${s.handed[0]!.at - txtAt} ms from the .txt written to hand-off`,
    );
    await sleep(FAST.stableMs * 2);
    expect(s.handed).toHaveLength(1);
  });

  it("survives a restart halfway through a batch: nothing taken twice, nothing missed, no partial file", async () => {
    const s = setup();
    s.setBehaviour(async () => {
      await sleep(40);
    });
    await s.start();
    const messages = Array.from({ length: 8 }, (_, i) => ({
      mailbox: i % 2 === 0 ? "1001" : "1002",
      n: Math.floor(i / 2),
      audio: { wav: toneWav(600 + i * 50, 300 + i * 40) },
      callerid: `"Caller ${i}" <55501${String(i).padStart(2, "0")}>`,
      origtime: 1_796_480_000 + i,
      pieces: 4,
      pieceGapMs: 40,
    }));
    const writer = (async () => {
      for (const m of messages) await writeMessage(s.root, m);
    })();
    // Stop the first watcher after it has taken three, while the writer is still writing.
    await waitFor(() => s.handed.length >= 3, 20_000, "three hand-offs");
    await s.stop();
    const firstRun = s.handed.length;
    await writer;
    await s.start();
    await waitFor(() => s.handed.length >= messages.length, 20_000, "all hand-offs");
    await sleep(FAST.stableMs * 3);
    expect(firstRun).toBeLessThan(messages.length);
    expect(s.handed.filter((h) => h.run === 2).length).toBe(messages.length - firstRun);
    const expected = new Map(messages.map((m) => [sha256(m.audio.wav), m]));
    expect(s.handed.map((h) => h.sha).sort()).toEqual([...expected.keys()].sort());
    for (const h of s.handed) {
      const m = expected.get(h.sha)!;
      expect(h.candidate).toMatchObject({
        mailbox: m.mailbox,
        caller: { number: m.callerid.replace(/.*<(\d+)>/, "$1") },
        receivedAt: m.origtime * 1000,
      });
    }
  });

  it("does not take a message again when Asterisk renumbers it (msg0001 becomes msg0000)", async () => {
    const s = setup();
    await s.start();
    const first = await writeMessage(s.root, {
      mailbox: "1001",
      n: 0,
      audio: { wav: toneWav(500, 500) },
      callerid: "<100>",
      origtime: 1_796_480_000,
    });
    const second = await writeMessage(s.root, {
      mailbox: "1001",
      n: 1,
      audio: { wav: toneWav(500, 700) },
      callerid: "<101>",
      origtime: 1_796_480_001,
    });
    await waitFor(() => s.handed.length === 2, 10_000, "two hand-offs");
    // The user deletes the first message on the phone; Asterisk moves msg0001 down to msg0000.
    for (const f of [...first.audioPaths, first.txtPath]) unlinkSync(f);
    renameSync(second.audioPaths[0]!, first.audioPaths[0]!);
    renameSync(second.txtPath, first.txtPath);
    await sleep(FAST.stableMs * 4);
    expect(s.handed).toHaveLength(2);
    await s.stop();
    const seen = await readRecord(s.dbFile, s.handed[1]!.sha);
    expect(seen?.path).toBe(first.audioPaths[0]);
  });

  it("leaves recordings that were there before the folder was first watched, unless backfill; the baseline survives restarts", async () => {
    const s = setup();
    const old = await writeMessage(s.root, {
      mailbox: "1001",
      n: 0,
      audio: { wav: toneWav(400, 350) },
      callerid: "<1>",
      origtime: 1_796_000_000,
    });
    // Older than the baseline's 1 s margin for the file system's coarse clock.
    await sleep(1200);
    await s.start();
    await sleep(FAST.stableMs * 3);
    expect(s.handed).toHaveLength(0);
    await s.stop();
    await s.start({ backfill: true });
    await writeMessage(s.root, {
      mailbox: "1001",
      n: 1,
      audio: { wav: toneWav(400, 450) },
      callerid: "<2>",
      origtime: 1_796_000_100,
    });
    await waitFor(() => s.handed.length === 1, 10_000, "the new message");
    await sleep(FAST.stableMs * 2);
    expect(s.handed.map((h) => h.candidate.origin)).not.toContain(old.audioPaths[0]);

    const fresh = setup();
    await writeMessage(fresh.root, {
      mailbox: "1001",
      n: 0,
      audio: { wav: toneWav(400, 550) },
      callerid: "<3>",
      origtime: 1_796_000_000,
    });
    await sleep(30);
    await fresh.start({ backfill: true });
    await waitFor(() => fresh.handed.length === 1, 10_000, "the backfilled message");
  });

  it("refuses audio that does not decode for good: the handler never sees it, it is not retried, the file stays", async () => {
    const s = setup();
    await s.start();
    const bad = await writeMessage(s.root, {
      mailbox: "1001",
      n: 0,
      audio: { wav: Buffer.from("RIFF\x24\x00\x00\x00WAVEjunk-that-is-not-a-fmt-chunk") },
      callerid: "<1>",
      origtime: 1_796_480_000,
    });
    const good = await writeMessage(s.root, {
      mailbox: "1001",
      n: 1,
      audio: { wav: toneWav(300) },
      callerid: "<2>",
      origtime: 1_796_480_001,
    });
    await waitFor(() => s.handed.length === 1, 10_000, "the good message");
    await s.stop();
    const record = await readRecord(s.dbFile, sha256(readFileSync(bad.audioPaths[0]!)));
    expect(record).toMatchObject({ status: "rejected", path: bad.audioPaths[0] });
    expect(record?.error).toMatch(/invalid WAV/);
    await s.start();
    await sleep(FAST.stableMs * 3);
    expect(s.handed.map((h) => h.candidate.origin)).toEqual([good.audioPaths[0]]);
    expect(existsSync(bad.audioPaths[0]!)).toBe(true);
  });

  it("tries again after a temporary handler failure, and refuses for good after a permanent one", async () => {
    const s = setup();
    let failures = 2;
    let refusals = 0;
    s.setBehaviour(async (c) => {
      if (c.mailbox === "1002") {
        refusals += 1;
        throw new ParleyError("audio_too_long", "the audio is longer than the limit", { status: 413 });
      }
      if (failures-- > 0) throw new Error("database is locked");
    });
    await s.start();
    await writeMessage(s.root, {
      mailbox: "1001",
      n: 0,
      audio: { wav: toneWav(300, 610) },
      callerid: "<1>",
      origtime: 1_796_480_000,
    });
    await writeMessage(s.root, {
      mailbox: "1002",
      n: 0,
      audio: { wav: toneWav(300, 620) },
      callerid: "<2>",
      origtime: 1_796_480_000,
    });
    await waitFor(() => s.handed.length === 1, 15_000, "the retried hand-off");
    expect(failures).toBe(-1);
    await sleep(FAST.stableMs * 3);
    expect(s.handed.map((h) => h.candidate.mailbox)).toEqual(["1001"]);
    expect(refusals).toBe(1);
  });

  it.skipIf(noFfmpeg)(
    "with deleteAfter, removes every format of a message and its .txt once handed on; prefers PCM msg0000.wav over wav49 msg0000.WAV",
    async () => {
      const s = setup();
      await s.start({ deleteAfter: true });
      const gsm = gsmWav(scratchDir("folder-gsm"), 1000);
      const pcm = toneWav(1000);
      const { audioPaths, txtPath } = await writeMessage(s.root, {
        mailbox: "1001",
        n: 0,
        audio: { WAV: gsm, wav: pcm },
        callerid: "<1>",
        origtime: 1_796_480_000,
      });
      await waitFor(() => s.handed.length === 1, 10_000, "the hand-off");
      expect(Buffer.from(s.handed[0]!.candidate.bytes).equals(pcm)).toBe(true);
      await waitFor(() => ![...audioPaths, txtPath].some((p) => existsSync(p)), 5000, "the files to go");
    },
  );

  it.skipIf(noFfmpeg)("hands on a wav49-only message (GSM in a WAV) as PCM WAV", async () => {
    const s = setup();
    await s.start();
    await writeMessage(s.root, {
      mailbox: "1001",
      n: 0,
      audio: { WAV: gsmWav(scratchDir("folder-gsm49"), 1200) },
      callerid: "<1>",
      origtime: 1_796_480_000,
    });
    await waitFor(() => s.handed.length === 1, 10_000, "the hand-off");
    expect(s.handed[0]!.candidate).toMatchObject({ contentType: "audio/wav", filename: "msg0000.wav" });
    expect(parseWav(s.handed[0]!.candidate.bytes).format).toBe("pcm_s16");
  });

  it("plain layout: takes any audio file once its size and mtime hold, whole, with the configured mailbox; ignores dot files", async () => {
    const s = setup();
    await s.start({ layout: "plain", mailbox: "sales" });
    const wav = toneWav(1500);
    const path = join(s.root, "vm-20261205-1630.wav");
    writeFileSync(join(s.root, ".vm-partial.wav.XyZ12"), wav.subarray(0, 100));
    writeFileSync(path, wav.subarray(0, 4000));
    for (let at = 4000; at < wav.length; at += 4000) {
      await sleep(FAST.stableMs / 3);
      writeFileSync(path, wav.subarray(at, at + 4000), { flag: "a" });
    }
    const doneAt = Date.now();
    await waitFor(() => s.handed.length === 1, 10_000, "the hand-off");
    expect(Buffer.from(s.handed[0]!.candidate.bytes).equals(wav)).toBe(true);
    expect(s.handed[0]!.candidate.mailbox).toBe("sales");
    console.log(
      `folder intake, plain layout (stableMs ${FAST.stableMs}): ${s.handed[0]!.at - doneAt} ms from the last write to hand-off`,
    );
  });

  it("keeps watching a folder that is missing at start (an unmounted share) and takes what appears", async () => {
    const s = setup();
    rmSync(s.root, { recursive: true });
    await s.start();
    await sleep(FAST.pollMs * 4);
    mkdirSync(inbox(s.root, "1001"), { recursive: true });
    await writeMessage(s.root, {
      mailbox: "1001",
      n: 0,
      audio: { wav: toneWav(300) },
      callerid: "<1>",
      origtime: 1_796_480_000,
    });
    await waitFor(() => s.handed.length === 1, 10_000, "the hand-off");
    expect(s.handed[0]!.candidate.filename).toBe(`${msgName(0)}.wav`);
  });
});
