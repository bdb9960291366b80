import { createHash } from "node:crypto";
import { readFile, stat, unlink } from "node:fs/promises";
import { basename } from "node:path";
import { performance } from "node:perf_hooks";
import type { FolderIntakeConfig } from "../../config/sections/intake.js";
import type { Clock } from "../../lib/clock.js";
import { describeError, ParleyError } from "../../lib/errors.js";
import type { Logger } from "../../lib/logger.js";
import type { IntakeFilesRepo } from "../../store/repos/intake-files-repo.js";
import { audioTypeForName } from "../audio-type.js";
import { classifyFailure } from "../handler-outcome.js";
import { prepareRecording, type RecordingLimits } from "../recording.js";
import type { VoicemailCandidate, VoicemailHandler } from "../types.js";
import { parseAsteriskMessage, type AsteriskMessage } from "./asterisk-message.js";
import { listSpool, type SpoolEntry } from "./spool-listing.js";
import { StabilityTracker } from "./stability.js";
import { wavStillGrowing } from "./wav-growth.js";

export interface FolderWatcherDeps {
  repo: IntakeFilesRepo;
  /** Names this process in the claims it takes (nodes sharing one spool each have their own). */
  owner: string;
  onVoicemail: VoicemailHandler;
  recordings: RecordingLimits;
  logger: Logger;
  clock: Clock;
}

/** A file found ready in a scan. */
interface Ready {
  entry: SpoolEntry;
  size: number;
  mtimeMs: number;
  /** The newest mtime of the audio and its .txt: when the recording was complete. */
  completeAt: number;
  /** Its msgNNNN.txt is there: Asterisk writes it once the audio is complete. */
  vouched: boolean;
}

/** Recordings written this long before the folder was first watched still count as new. */
const BASELINE_MARGIN_MS = 1000;

/**
 * How long a claim on a recording holds. A hand-off (decode and store the recording, queue its job) takes seconds;
 * a node that dies holding a claim delays that recording by this much, when another node takes it over.
 */
const CLAIM_MS = 5 * 60_000;

/** The longest wait before a recording whose hand-off failed for now is tried again. */
const MAX_RETRY_MS = 5 * 60_000;

/**
 * Watches one folder by polling (inotify does not see writes made on the far
 * side of an NFS or SMB mount) and hands each new recording on once: when its
 * size and mtime have held for `stableMs` and, in Asterisk's layout, its
 * msgNNNN.txt is there (Asterisk writes it after the audio). What was handed
 * on is recorded by content hash in the database after the handler resolves,
 * so a restart neither repeats nor loses a recording; a crash between the two
 * repeats one hand-off, which the handler's content-hash deduplication absorbs.
 * Before handing a recording on, the watcher claims it in the store: nodes
 * watching one shared spool (store.url) each see every file, and only the
 * one whose claim succeeds hands it on; the others find it recorded later.
 */
export class FolderWatcher {
  private readonly tracker: StabilityTracker;
  /** path|size|mtime of recordings already taken (or refused): skipped without reading. */
  private readonly known = new Set<string>();
  private readonly retries = new Map<string, { at: number; attempts: number }>();
  private readonly stopping = new AbortController();
  /** Audio whose mtime is older was there before the folder was first watched (left alone unless backfill). */
  private baseline = 0;
  private timer: NodeJS.Timeout | null = null;
  private scanning: Promise<void> | null = null;
  private unreadable: string | null = null;

  constructor(
    private readonly config: FolderIntakeConfig,
    private readonly deps: FolderWatcherDeps,
  ) {
    this.tracker = new StabilityTracker(config.stableMs);
  }

  /** Loads what was taken before, fixes the folder's baseline the first time it is watched, and starts scanning. */
  async start(): Promise<void> {
    for (const seen of await this.deps.repo.known(this.config.path))
      this.known.add(key(seen.path, seen.size, seen.mtimeMs));
    // Filesystem time, not the service clock: it is compared with file mtimes, which the kernel stamps from a
    // coarse clock that can lag Date.now() by a tick; the margin keeps a recording written just now from looking old.
    const proposed = this.config.backfill ? 0 : Date.now() - BASELINE_MARGIN_MS;
    this.baseline = await this.deps.repo.baseline(this.config.path, proposed, this.deps.clock.now());
    this.deps.logger.info(
      {
        folder: this.config.path,
        layout: this.config.layout,
        since: this.baseline === 0 ? "all" : new Date(this.baseline).toISOString(),
      },
      "folder intake watching",
    );
    this.schedule(0);
  }

  /** Stops scanning; a hand-off in progress is told to stop (its signal) and waited for. */
  async close(): Promise<void> {
    this.stopping.abort(
      new ParleyError("shutting_down", "the folder intake is closing", { status: 503, retryable: true }),
    );
    if (this.timer) clearTimeout(this.timer);
    await this.scanning;
  }

  private schedule(delayMs: number): void {
    if (this.stopping.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.scanning = this.scan()
        .catch((err: unknown) => {
          this.deps.logger.error({ folder: this.config.path, err: describeError(err) }, "folder intake scan failed");
        })
        .finally(() => {
          this.scanning = null;
          this.schedule(this.config.pollMs);
        });
    }, delayMs);
  }

  private async scan(): Promise<void> {
    let entries: SpoolEntry[];
    try {
      entries = await listSpool(this.config);
    } catch (err) {
      // An unmounted share or a missing folder: say so once, keep looking.
      const why = describeError(err);
      if (this.unreadable !== why)
        this.deps.logger.warn({ folder: this.config.path, err: why }, "folder intake cannot read the folder; retrying");
      this.unreadable = why;
      return;
    }
    this.unreadable = null;
    for (const ready of await this.readyOnes(entries, this.baseline)) {
      if (this.stopping.signal.aborted) break;
      await this.take(ready);
    }
  }

  /** Which entries are complete now, oldest first. */
  private async readyOnes(entries: SpoolEntry[], baseline: number): Promise<Ready[]> {
    const now = performance.now();
    const ready: Ready[] = [];
    for (const entry of entries) {
      const audio = await stat(entry.audioPath).catch(() => null);
      if (!audio || audio.mtimeMs < baseline || this.known.has(key(entry.audioPath, audio.size, audio.mtimeMs)))
        continue;
      if ((this.retries.get(entry.audioPath)?.at ?? 0) > now || audio.size === 0) continue;
      const unchanged = this.tracker.observe(entry.audioPath, audio.size, audio.mtimeMs, now);
      const txt = entry.txtPath ? await stat(entry.txtPath).catch(() => null) : null;
      const txtSettled =
        txt !== null && entry.txtPath !== null && this.tracker.isStable(entry.txtPath, txt.size, txt.mtimeMs, now);
      if (unchanged < this.config.stableMs) continue;
      const waitsForTxt = this.config.layout === "asterisk" && !txtSettled;
      if (waitsForTxt && unchanged < this.config.metadataWaitMs) continue;
      ready.push({
        entry,
        size: audio.size,
        mtimeMs: audio.mtimeMs,
        completeAt: Math.max(audio.mtimeMs, txt?.mtimeMs ?? 0),
        vouched: txtSettled,
      });
    }
    this.tracker.sweep();
    return ready.sort((a, b) => a.mtimeMs - b.mtimeMs);
  }

  private async take(ready: Ready): Promise<void> {
    const { entry } = ready;
    const path = entry.audioPath;
    const bytes = await readFile(path).catch(() => null);
    if (!bytes || bytes.length !== ready.size) return; // changed or gone since the scan: look again next time
    // Without a .txt to vouch for it, a WAV whose header promises more data is still being written.
    if (!ready.vouched && wavStillGrowing(bytes) && Date.now() - ready.completeAt < this.config.metadataWaitMs) return;
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const seenKey = key(path, ready.size, ready.mtimeMs);
    if (await this.alreadyTaken(sha256, path, ready)) return;
    const { repo, owner } = this.deps;
    // Another node watching the same spool is taking it now: it will be recorded, and known at a later scan.
    if (!(await repo.claim(sha256, owner, this.deps.clock.now(), CLAIM_MS))) return;
    // Taken and recorded by another node between the look above and the claim.
    if (await this.alreadyTaken(sha256, path, ready)) return repo.release(sha256, owner);
    const signal = this.stopping.signal;
    let candidate: VoicemailCandidate;
    try {
      candidate = await this.candidate(entry, bytes, ready, signal);
    } catch (err) {
      return this.failed(ready, sha256, err, err instanceof ParleyError && err.status < 500);
    }
    const waitedMs = Date.now() - ready.completeAt;
    try {
      await this.deps.onVoicemail(candidate, { signal });
    } catch (err) {
      return this.failed(ready, sha256, err, classifyFailure(err).permanent);
    }
    await repo.record(
      {
        sha256,
        folder: this.config.path,
        path,
        size: ready.size,
        mtimeMs: ready.mtimeMs,
        status: "handed",
        error: null,
        takenAt: this.deps.clock.now(),
      },
      owner,
    );
    this.known.add(seenKey);
    this.retries.delete(path);
    this.deps.logger.info(
      {
        folder: this.config.path,
        path,
        mailbox: candidate.mailbox,
        caller: candidate.caller.number,
        bytes: bytes.length,
        waitedMs,
      },
      "folder intake: voicemail handed on",
    );
    if (this.config.deleteAfter) await this.remove(entry);
  }

  /** Known already (taken here or by another node): noted where it sits now, and skipped. */
  private async alreadyTaken(sha256: string, path: string, ready: Ready): Promise<boolean> {
    const before = await this.deps.repo.get(sha256);
    if (!before) return false;
    // Renumbered (msg0001 became msg0000), or the same recording in another folder: already taken.
    if (before.path !== path) await this.deps.repo.seenAt(sha256, { path, size: ready.size, mtimeMs: ready.mtimeMs });
    this.known.add(key(path, ready.size, ready.mtimeMs));
    return true;
  }

  private async candidate(
    entry: SpoolEntry,
    bytes: Buffer,
    ready: Ready,
    signal: AbortSignal,
  ): Promise<VoicemailCandidate> {
    const name = basename(entry.audioPath);
    const recording = await prepareRecording(
      bytes,
      audioTypeForName(name) ?? "application/octet-stream",
      name,
      this.deps.recordings,
      signal,
    );
    const meta: AsteriskMessage | null = entry.txtPath
      ? parseAsteriskMessage(await readFile(entry.txtPath, "utf8").catch(() => ""))
      : null;
    return {
      bytes: recording.bytes,
      contentType: recording.contentType,
      mailbox: this.config.mailbox ?? meta?.mailbox ?? entry.mailboxFromPath,
      caller: meta?.caller ?? { number: null, name: null },
      receivedAt: meta?.receivedAt ?? Math.trunc(ready.mtimeMs),
      source: "folder",
      origin: entry.audioPath,
      filename: recording.filename,
    };
  }

  /**
   * A permanent failure is recorded (never offered again); a temporary one gives the claim up and is retried with a
   * growing wait (by whichever node scans it first then).
   */
  private async failed(ready: Ready, sha256: string, err: unknown, permanent: boolean): Promise<void> {
    const path = ready.entry.audioPath;
    const message = describeError(err);
    if (permanent) {
      await this.deps.repo.record(
        {
          sha256,
          folder: this.config.path,
          path,
          size: ready.size,
          mtimeMs: ready.mtimeMs,
          status: "rejected",
          error: message,
          takenAt: this.deps.clock.now(),
        },
        this.deps.owner,
      );
      this.known.add(key(path, ready.size, ready.mtimeMs));
      this.deps.logger.warn(
        { folder: this.config.path, path, err: message },
        "folder intake: recording refused for good; it stays in the folder",
      );
      return;
    }
    await this.deps.repo.release(sha256, this.deps.owner);
    const attempts = (this.retries.get(path)?.attempts ?? 0) + 1;
    const waitMs = Math.min(this.config.pollMs * 2 ** attempts, MAX_RETRY_MS);
    this.retries.set(path, { at: performance.now() + waitMs, attempts });
    this.deps.logger.warn(
      { folder: this.config.path, path, attempts, retryInMs: waitMs, err: message },
      "folder intake: hand-off failed; will try again",
    );
  }

  private async remove(entry: SpoolEntry): Promise<void> {
    for (const file of entry.siblings) {
      await unlink(file).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== "ENOENT")
          this.deps.logger.warn({ file, err: err.message }, "folder intake: could not delete a handed-on file");
      });
    }
  }
}

function key(path: string, size: number, mtimeMs: number): string {
  return `${path}|${size}|${Math.trunc(mtimeMs)}`;
}
