import { existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { importOperatorsFile } from "../../api/console/auth/operators-file-import.js";
import { loadConsoleSecret } from "../../api/console/auth/secret.js";
import { audioDir, databaseFile, filesDir, recordingsDir } from "../../config/paths.js";
import { ParleyError } from "../../lib/errors.js";
import { openDatabase } from "../../store/index.js";
import { copyToPostgres, describeJobs, SHARED_TABLES, type SharedTable } from "../../store/copy-to-postgres.js";
import { createPostgresSql, SqliteSql, type SqlStore } from "../../store/sql/index.js";
import { configFromFlags, parseFlags } from "../flags.js";
import { printJson } from "../output.js";
import { CliError, type Command } from "../types.js";

const USAGE = `Usage: parley store copy-to-postgres [options]

Copies what the nodes share from this node's SQLite database (<dataDir>/parley.db)
into the PostgreSQL store of the config's store.url and store.schema, with their
ids: API keys, agents made through the API with their versions, console operators
(an old operators.json is imported first), the do-not-call list with its audit
trail, webhook endpoints (not their delivery log), templates, campaigns with their
recipients and rejected rows, notifications, outbound attempts, callbacks,
voicemails with their recordings' rows, calls with their turns, and the console's
signing secret (so signed-in operators stay signed in) with its signed-out sessions.

The copy is one transaction: if it fails, nothing is written, and running it
again starts over. It refuses a store that already has rows in any of these
tables (give store.schema a new name, or drop the schema), so a second run adds
nothing. Stop the node first: rows it writes during the copy make the copy fail
(nothing is written then). It refuses a node whose job queue still holds work
(queued voicemails, scheduled callbacks, running campaigns...): jobs are not
copied. With files.dir set, recording paths under <dataDir>/audio and
<dataDir>/recordings are rewritten to files.dir; move those folders there.

Options:
  --config FILE     config file with store.url (default: ./parley.yaml when present)
  --data-dir DIR    the node's data directory (default ./data)
  --leave-jobs      copy although the node's queue has unfinished jobs (they stay behind)
  --json            print a JSON summary instead of progress lines
`;

const flags = {
  config: { type: "string" },
  "data-dir": { type: "string" },
  "leave-jobs": { type: "boolean", default: false },
  json: { type: "boolean", default: false },
} as const;

export const storeCommand: Command = {
  name: "store",
  summary: "copy a node's shared data (keys, agents, campaigns, voicemails, calls...) into PostgreSQL",
  usage: USAGE,
  async run(args, ctx) {
    const { values, positionals } = parseFlags(args, flags);
    const [sub, ...rest] = positionals;
    if (sub !== "copy-to-postgres")
      throw new CliError(
        sub ? `unknown subcommand '${sub}'; use copy-to-postgres` : "say copy-to-postgres; see parley store --help",
        2,
      );
    if (rest.length > 0) throw new CliError(`unexpected argument '${rest[0]}'`, 2);
    const { config } = configFromFlags(ctx, values);
    if (!config.store.url)
      throw new CliError(
        "store.url is not set: name the PostgreSQL store to copy into (in parley.yaml, or PARLEY_STORE__URL)",
        2,
      );
    const file = databaseFile(config);
    if (!existsSync(file))
      throw new CliError(`no database at ${file}: point --data-dir at the node's data directory`, 2);
    const started = Date.now();
    const db = openDatabase(file);
    const from = new SqliteSql(db);
    const to = createPostgresSql({ url: config.store.url, schema: config.store.schema, poolSize: 2 });
    const say = (line: string) => {
      if (!values.json) ctx.stdout.write(`${line}\n`);
    };
    try {
      await to.open();
      const imported = await importOperatorsFile(from, config.dataDir);
      if (imported)
        say(
          `imported ${imported.imported} of ${imported.total} operators from operators.json (kept as ${imported.backup})`,
        );
      const secretFile = join(config.dataDir, "console-secret");
      const secret = existsSync(secretFile) ? loadConsoleSecret(config.dataDir) : null;
      say(`copying ${from.where} into ${to.where}`);
      // A line per tenth of a table (at least 1000 rows apart), and one when it is done.
      const shown = new Map<SharedTable, number>();
      const movePaths = [
        { from: join(config.dataDir, "audio"), to: audioDir(config) },
        { from: join(config.dataDir, "recordings"), to: recordingsDir(config) },
      ];
      const report = await copyToPostgres(from, to, {
        secret,
        movePaths,
        leaveJobs: values["leave-jobs"],
        progress: (table: SharedTable, copied, total) => {
          if (copied < total && copied - (shown.get(table) ?? 0) < Math.max(total / 10, 1000)) return;
          shown.set(table, copied);
          say(`  ${table}: ${copied}/${total}`);
        },
      });
      const durationMs = Date.now() - started;
      const missing = await missingRecordings(to);
      if (values.json)
        printJson(ctx, {
          from: from.where,
          to: to.where,
          tables: report.tables,
          secret: report.secret,
          operatorsFile: imported,
          pathsMoved: report.pathsMoved,
          recordingsMissing: missing.count,
          jobsLeft: report.jobsLeft,
          durationMs,
        });
      else {
        const rows = SHARED_TABLES.reduce((n, t) => n + report.tables[t.table], 0);
        say(`copied ${rows} rows in ${(durationMs / 1000).toFixed(1)} s; console secret: ${report.secret}`);
        if (report.pathsMoved > 0)
          say(`${report.pathsMoved} recording paths now point into ${filesDir(config)} (files.dir)`);
        if (Object.keys(report.jobsLeft).length > 0)
          say(`left behind in the node's queue: ${describeJobs(report.jobsLeft)} (not copied)`);
        if (missing.count > 0)
          say(
            `${missing.count} recordings are not at their path yet (first: ${missing.first}): move ${join(config.dataDir, "audio")} and ${join(config.dataDir, "recordings")} into ${filesDir(config)} before starting the nodes`,
          );
        say("start the nodes with this store.url; each signs in the same operators and keys");
      }
      return 0;
    } catch (err) {
      if (err instanceof ParleyError)
        throw new CliError(err.message, err.code === "store_not_empty" || err.code === "store_jobs_unfinished" ? 1 : 2);
      throw err;
    } finally {
      await to.close();
      db.close();
    }
  },
};

/** The copied rows' recordings that are not where their rows say (the folders not moved into files.dir yet). */
async function missingRecordings(to: SqlStore): Promise<{ count: number; first: string | null }> {
  const rows = await to.all<{ path: string }>(
    "SELECT path FROM audio_blobs UNION ALL SELECT recording_path AS path FROM calls WHERE recording_path IS NOT NULL",
  );
  let count = 0;
  let first: string | null = null;
  for (const { path } of rows) {
    if (await stat(path).catch(() => null)) continue;
    count++;
    first ??= path;
  }
  return { count, first };
}
