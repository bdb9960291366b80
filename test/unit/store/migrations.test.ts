import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { defaultMigrationsDir, loadMigrations, StoreError } from "../../../src/store/index.js";

const dirs: string[] = [];
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "parley-migrations-"));
  dirs.push(dir);
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("migration files", () => {
  it("ships a valid, gap-free sequence starting at 001_jobs.sql", () => {
    const migrations = loadMigrations();
    expect(migrations.length).toBeGreaterThanOrEqual(2);
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
    expect(migrations[0]?.name).toBe("001_jobs.sql");
    expect(migrations[1]?.name).toBe("002_job_events.sql");
    expect(defaultMigrationsDir()).toMatch(/store[/\\]migrations[/\\]?$/);
  });

  it("orders by number, ignores other files and normalises CRLF before hashing", () => {
    const lf = loadMigrations(folder({ "002_b.sql": "SELECT 2;\n", "001_a.sql": "SELECT 1;\n", "README.md": "notes" }));
    expect(lf.map((m) => m.name)).toEqual(["001_a.sql", "002_b.sql"]);
    const crlf = loadMigrations(folder({ "001_a.sql": "SELECT 1;\r\n", "002_b.sql": "SELECT 2;\r\n" }));
    expect(crlf.map((m) => m.checksum)).toEqual(lf.map((m) => m.checksum));
  });

  it("refuses a gap, naming the missing number", () => {
    const dir = folder({ "001_a.sql": "", "003_c.sql": "" });
    expect(() => loadMigrations(dir)).toThrow(/migration 002 is missing before 003_c\.sql/);
  });

  it("refuses two migrations with the same number", () => {
    const dir = folder({ "001_a.sql": "", "002_voicemails.sql": "", "002_webhooks.sql": "" });
    expect(() => loadMigrations(dir)).toThrow(/002_voicemails\.sql and 002_webhooks\.sql have the same number/);
  });

  it.each(["1_short.sql", "001-dash.sql", "001_Upper.sql", "jobs.sql"])("refuses the badly named %s", (name) => {
    const dir = folder({ [name]: "" });
    expect(() => loadMigrations(dir)).toThrow(StoreError);
    expect(() => loadMigrations(dir)).toThrow(/expected NNN_words\.sql/);
  });

  it("names a missing folder", () => {
    expect(() => loadMigrations("/nonexistent/parley/migrations")).toThrow(
      /cannot read the migrations folder \/nonexistent/,
    );
  });

  it("accepts an empty folder (no schema yet)", () => {
    const dir = join(folder({}), "empty");
    mkdirSync(dir);
    expect(loadMigrations(dir)).toEqual([]);
  });
});

describe("migration 016: one style for call outcomes (issue 10, item 24)", () => {
  it("renames call outcomes stored with hyphens, leaving the others", async () => {
    const { default: Database } = await import("better-sqlite3");
    const { migrate } = await import("../../../src/store/migrate.js");
    const all = loadMigrations();
    const db = new Database(":memory:");
    const clock = { now: () => 0 } as Parameters<typeof migrate>[3];
    // A database as version 015 left it, with calls written then.
    migrate(
      db,
      all.filter((m) => m.version <= 15),
      ":memory:",
      clock,
    );
    const insert = db.prepare(
      "INSERT INTO calls (sip_call_id, direction, from_uri, to_uri, agent, started_at, outcome) VALUES (?, 'inbound', 'a', 'b', 'receptionist', 0, ?)",
    );
    ["caller-hangup", "no-answer", "max-duration", "busy", null].forEach((o, i) => insert.run(`c${i}`, o));
    migrate(db, all, ":memory:", clock);
    expect(
      (db.prepare("SELECT outcome FROM calls ORDER BY id").all() as { outcome: string | null }[]).map((r) => r.outcome),
    ).toEqual(["caller_hangup", "no_answer", "max_duration", "busy", null]);
    db.close();
  });
});

describe("migration 019: phone numbers stored by the old normalisation (issue 11, item 5)", () => {
  it("puts Italy's leading 0 back on do-not-call entries, undialled recipients and callback numbers, leaving the rest", async () => {
    const { default: Database } = await import("better-sqlite3");
    const { migrate } = await import("../../../src/store/migrate.js");
    const all = loadMigrations();
    const db = new Database(":memory:");
    const clock = { now: () => 0 } as Parameters<typeof migrate>[3];
    // A database as version 018 left it, with numbers the old rule stored.
    migrate(
      db,
      all.filter((m) => m.version <= 18),
      ":memory:",
      clock,
    );
    const dnc = db.prepare("INSERT INTO dnc_numbers (number, source, created_at) VALUES (?, 'api', 0)");
    // 06 1234 5678 stored wrongly; 02 1234 5678 listed under both forms; right numbers and a SIP URI.
    for (const n of [
      "+39612345678",
      "+39212345678",
      "+390212345678",
      "+393471234567",
      "+442079460958",
      "sip:alice@pbx.example",
    ])
      dnc.run(n);
    const notification = db.prepare(
      "INSERT INTO notifications (to_number, agent, text, variables, time_zone, amd, status, created_at, updated_at) VALUES (?, 'a', 't', '{}', 'UTC', 0, ?, 0, 0)",
    );
    notification.run("+39612345678", "pending");
    notification.run("+39612345678", "scheduled");
    notification.run("+39612345678", "completed");
    notification.run("+14155550123", "pending");
    db.prepare(
      "INSERT INTO audio_blobs (sha256, path, bytes, content_type, duration_ms, created_at) VALUES ('h', 'p', 1, 'audio/wav', 1, 0)",
    ).run();
    db.prepare(
      "INSERT INTO voicemails (audio_sha256, agent, kind, received_at, status, duration_ms, callback_number, created_at, updated_at) VALUES ('h', 'a', 'voicemail', 0, 'processed', 1, '+39612345678', 0, 0)",
    ).run();

    migrate(db, all, ":memory:", clock);

    const numbers = (sql: string) => (db.prepare(sql).all() as { n: string }[]).map((r) => r.n);
    expect(numbers("SELECT number AS n FROM dnc_numbers ORDER BY number")).toEqual(
      ["+390212345678", "+390612345678", "+393471234567", "+442079460958", "sip:alice@pbx.example"].sort(),
    );
    expect(numbers("SELECT to_number AS n FROM notifications ORDER BY id")).toEqual([
      "+390612345678",
      "+390612345678",
      "+39612345678",
      "+14155550123",
    ]);
    expect(numbers("SELECT callback_number AS n FROM voicemails")).toEqual(["+390612345678"]);
    db.close();
  });
});

describe("migration 028: survey answers get a table of their own (issue 12)", () => {
  it("copies the survey.response events under their ids, leaving other events, and numbers new answers after them", async () => {
    const { default: Database } = await import("better-sqlite3");
    const { migrate } = await import("../../../src/store/migrate.js");
    const all = loadMigrations();
    const db = new Database(":memory:");
    const clock = { now: () => 0 } as Parameters<typeof migrate>[3];
    migrate(
      db,
      all.filter((m) => m.version <= 27),
      ":memory:",
      clock,
    );
    const event = db.prepare("INSERT INTO events (type, subject, data, created_at) VALUES (?, ?, ?, ?)");
    const answer = (o: object) => JSON.stringify({ survey: "csat", agent: "desk", callId: null, comment: null, ...o });
    event.run("call.started", "call:1", "{}", 1);
    event.run("survey.response", "call:7", answer({ callId: 7, rating: 4, channel: "dtmf" }), 2);
    event.run("survey.response", null, answer({ rating: null, comment: "too slow", channel: "voice" }), 3);

    migrate(db, all, ":memory:", clock);

    expect(db.prepare("SELECT * FROM survey_responses ORDER BY id").all()).toEqual([
      {
        id: 2,
        survey: "csat",
        agent: "desk",
        call_id: 7,
        rating: 4,
        comment: null,
        channel: "dtmf",
        event_id: 2,
        created_at: 2,
      },
      {
        id: 3,
        survey: "csat",
        agent: "desk",
        call_id: null,
        rating: null,
        comment: "too slow",
        channel: "voice",
        event_id: 3,
        created_at: 3,
      },
    ]);
    db.prepare(
      "INSERT INTO survey_responses (survey, agent, channel, created_at) VALUES ('csat', 'desk', 'none', 4)",
    ).run();
    expect(db.prepare("SELECT max(id) AS id FROM survey_responses").get()).toEqual({ id: 4 });
    db.close();
  });
});
