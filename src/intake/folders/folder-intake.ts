import type { Database } from "better-sqlite3";
import type { FolderIntakeConfig } from "../../config/sections/intake.js";
import { systemClock, type Clock } from "../../lib/clock.js";
import type { Logger } from "../../lib/logger.js";
import { IntakeFilesRepo } from "../../store/repos/intake-files-repo.js";
import type { RecordingLimits } from "../recording.js";
import type { VoicemailHandler } from "../types.js";
import { FolderWatcher } from "./folder-watcher.js";

export interface FolderIntakeDeps {
  /** The database that records what was taken (table intake_files, migration 018). */
  db: Database;
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
 * recordings on exactly once (see FolderWatcher). One Parley process should
 * watch a given folder; two would both hand the same recording on (the
 * handler's content-hash deduplication would still store it once).
 * @example const folders = startFolderIntake(config.intake.folders, { db, onVoicemail, recordings, logger })
 */
export function startFolderIntake(folders: readonly FolderIntakeConfig[], deps: FolderIntakeDeps): FolderIntake {
  const repo = new IntakeFilesRepo(deps.db, deps.scrub);
  const watchers = folders.map(
    (folder) =>
      new FolderWatcher(folder, {
        repo,
        onVoicemail: deps.onVoicemail,
        recordings: deps.recordings,
        logger: deps.logger,
        clock: deps.clock ?? systemClock,
      }),
  );
  for (const w of watchers) w.start();
  return {
    async close() {
      await Promise.all(watchers.map((w) => w.close()));
    },
  };
}
