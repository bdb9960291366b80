import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { FolderIntakeConfig } from "../../config/sections/intake.js";
import { systemClock, type Clock } from "../../lib/clock.js";
import type { Logger } from "../../lib/logger.js";
import { IntakeFilesRepo } from "../../store/repos/intake-files-repo.js";
import type { SqlStore } from "../../store/sql/port.js";
import type { RecordingLimits } from "../recording.js";
import type { VoicemailHandler } from "../types.js";
import { FolderWatcher } from "./folder-watcher.js";

export interface FolderIntakeDeps {
  /**
   * The store that records what was taken (intake_files, intake_folders, intake_claims): the node's SQLite file, or
   * with store.url the PostgreSQL store that every node watching the same spool shares.
   */
  sql: SqlStore;
  /** Where each voicemail goes (the voicemail feature's ingest, in the app). */
  onVoicemail: VoicemailHandler;
  /** ffmpeg and the voicemail limits: a recording that does not decode is refused before the handler sees it. */
  recordings: RecordingLimits;
  logger: Logger;
  clock?: Clock;
  /** Masks personal data in what intake_files keeps of a recording (its path, a refusal); the app gives the privacy policy's. */
  scrub?: (text: string) => string;
}

export interface FolderIntake {
  /** Stops every watcher; waits for a hand-off in progress. */
  close(): Promise<void>;
}

/**
 * Watched spool folders: one watcher per configured folder, each handing new
 * recordings on exactly once (see FolderWatcher). Processes sharing one store
 * may watch the same folder (nodes on one shared spool): each recording is
 * claimed in the store before it is handed on, so only one of them takes it.
 * Resolves once every folder's record and baseline are loaded.
 * @example const folders = await startFolderIntake(config.intake.folders, { sql, onVoicemail, recordings, logger })
 */
export async function startFolderIntake(
  folders: readonly FolderIntakeConfig[],
  deps: FolderIntakeDeps,
): Promise<FolderIntake> {
  const repo = new IntakeFilesRepo(deps.sql, deps.scrub);
  // Whose claims these are: readable in the table, unique per process.
  const owner = `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
  const watchers = folders.map(
    (folder) =>
      new FolderWatcher(folder, {
        repo,
        owner,
        onVoicemail: deps.onVoicemail,
        recordings: deps.recordings,
        logger: deps.logger,
        clock: deps.clock ?? systemClock,
      }),
  );
  await Promise.all(watchers.map((w) => w.start()));
  return {
    async close() {
      await Promise.all(watchers.map((w) => w.close()));
    },
  };
}
