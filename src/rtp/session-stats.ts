/**
 * A session's statistics across the thread boundary: the media worker copies
 * its parts' counters into shared figures every tick (`writeSessionFigures`),
 * and the main thread assembles the JSON-able RtpSessionStats from them and
 * from what it knows itself (`readSessionStats`).
 */
import type { DtmfSender } from "./dtmf-sender.js";
import type { Playout } from "./playout.js";
import { RTP_REJECT_REASONS } from "./packet.js";
import { RTP_DROP_REASONS, type RtpReceiver } from "./receiver.js";
import type { RtpSender } from "./sender.js";
import { SharedFigures } from "./shared-figures.js";
import type { RtpDropReason, RtpMedia, RtpSessionStats } from "./types.js";

const DROPS = RTP_DROP_REASONS.map((r) => `drop:${r}` as const);

const COUNTERS = [
  "packetsIn",
  "bytesIn",
  "packetsOut",
  "bytesOut",
  "audioPacketsOut",
  "silencePacketsOut",
  "eventPacketsOut",
  "socketErrors",
  "relatches",
  "ssrcChanges",
  "lost",
  "duplicates",
  "reordered",
  "late",
  "seqRestarts",
  "jitterMs",
  "jb:targetDelayMs",
  "jb:bufferedMs",
  "jb:framesOut",
  "jb:concealedFrames",
  "jb:partialFrames",
  "jb:resets",
  "dtmfIn",
  "dtmfOut",
  "underruns",
  "ticks",
  "stalls",
  "skippedFrames",
  "lagMs",
  "maxLagMs",
  "tickErrors",
  ...DROPS,
] as const;

export type SessionFigures = SharedFigures<(typeof COUNTERS)[number], "lateness" | "intervals">;

/** A session's figures: fresh (the main thread creates them at open), or a view of `buffer` (the worker's side). */
export function sessionFigures(buffer?: SharedArrayBuffer): SessionFigures {
  return new SharedFigures(COUNTERS, ["lateness", "intervals"] as const, buffer);
}

export interface FigureSources {
  receiver: RtpReceiver;
  sender: RtpSender;
  playout: Playout;
  dtmf: DtmfSender;
  socketErrors: number;
  tickErrors: number;
}

const I = SharedFigures.slots(COUNTERS);
const DROP_SLOTS = DROPS.map((d) => I[d]);

/** Worker side: copies every counter of the session's parts into its figures (every tick of every session: by index). */
export function writeSessionFigures(f: SessionFigures, s: FigureSources): void {
  const r = s.receiver;
  const jb = r.jitter;
  const jc = jb.counters;
  const tx = s.sender;
  const v = f.values;
  v[I.packetsIn] = r.packetsIn;
  v[I.bytesIn] = r.bytesIn;
  v[I.packetsOut] = tx.packetsOut;
  v[I.bytesOut] = tx.bytesOut;
  v[I.audioPacketsOut] = tx.audioPackets;
  v[I.silencePacketsOut] = tx.silencePackets;
  v[I.eventPacketsOut] = tx.eventPackets;
  v[I.socketErrors] = s.socketErrors;
  v[I.relatches] = r.latch.relatches;
  v[I.ssrcChanges] = r.ssrcChanges;
  v[I.lost] = r.seq.lost;
  v[I.duplicates] = r.seq.duplicates + jc.duplicates;
  v[I.reordered] = r.seq.reordered;
  v[I.late] = jc.late;
  v[I.seqRestarts] = r.seq.restarts;
  v[I.jitterMs] = jb.jitterMs;
  v[I["jb:targetDelayMs"]] = jb.targetDelayMs;
  v[I["jb:bufferedMs"]] = jb.bufferedMs;
  v[I["jb:framesOut"]] = jc.framesOut;
  v[I["jb:concealedFrames"]] = jc.concealedFrames;
  v[I["jb:partialFrames"]] = jc.partialFrames;
  v[I["jb:resets"]] = jc.resets;
  v[I.dtmfIn] = r.dtmfIn;
  v[I.dtmfOut] = s.dtmf.sent;
  v[I.underruns] = s.playout.underruns;
  v[I.ticks] = tx.ticks;
  v[I.stalls] = tx.stalls;
  v[I.skippedFrames] = tx.skippedFrames;
  v[I.lagMs] = tx.lagMs;
  v[I.maxLagMs] = tx.maxLagMs;
  v[I.tickErrors] = s.tickErrors;
  for (let i = 0; i < RTP_DROP_REASONS.length; i++) v[DROP_SLOTS[i]!] = r.dropped[RTP_DROP_REASONS[i]!];
  f.publish();
}

/** What the main thread knows of a session beyond the shared figures. */
export interface KnownState {
  localAddress: string;
  localPort: number;
  media: Required<RtpMedia> | null;
  latched: { address: string; port: number; ssrc: number } | null;
  inboundFramesDropped: number;
  eventsDropped: number;
}

const round = (n: number) => Math.round(n * 100) / 100;

/** Main side: the session's statistics as of the worker's last tick. */
export function readSessionStats(f: SessionFigures, k: KnownState): RtpSessionStats {
  f.sync();
  const dropped = {} as Record<RtpDropReason, number>;
  RTP_DROP_REASONS.forEach((reason, i) => (dropped[reason] = f.get(DROPS[i]!)));
  let malformed = 0;
  for (const reason of RTP_REJECT_REASONS) malformed += dropped[reason];
  const lateness = f.histogram("lateness").summary();
  return {
    localAddress: k.localAddress,
    localPort: k.localPort,
    codec: k.media?.codec ?? null,
    payloadType: k.media?.payloadType ?? null,
    telephoneEventPt: k.media?.telephoneEventPt ?? null,
    sdpRemote: k.media ? { address: k.media.remoteAddress, port: k.media.remotePort } : null,
    latched: k.latched,
    relatches: f.get("relatches"),
    ssrcChanges: f.get("ssrcChanges"),
    packetsIn: f.get("packetsIn"),
    bytesIn: f.get("bytesIn"),
    packetsOut: f.get("packetsOut"),
    bytesOut: f.get("bytesOut"),
    audioPacketsOut: f.get("audioPacketsOut"),
    silencePacketsOut: f.get("silencePacketsOut"),
    eventPacketsOut: f.get("eventPacketsOut"),
    socketErrors: f.get("socketErrors"),
    malformed,
    dropped,
    lost: f.get("lost"),
    duplicates: f.get("duplicates"),
    reordered: f.get("reordered"),
    late: f.get("late"),
    seqRestarts: f.get("seqRestarts"),
    jitterMs: round(f.get("jitterMs")),
    jitterBuffer: {
      targetDelayMs: round(f.get("jb:targetDelayMs")),
      bufferedMs: round(f.get("jb:bufferedMs")),
      framesOut: f.get("jb:framesOut"),
      concealedFrames: f.get("jb:concealedFrames"),
      partialFrames: f.get("jb:partialFrames"),
      resets: f.get("jb:resets"),
    },
    inboundFramesDropped: k.inboundFramesDropped,
    eventsDropped: k.eventsDropped,
    dtmfIn: f.get("dtmfIn"),
    dtmfOut: f.get("dtmfOut"),
    underruns: f.get("underruns"),
    pacer: {
      ticks: f.get("ticks"),
      stalls: f.get("stalls"),
      skippedFrames: f.get("skippedFrames"),
      lagMs: round(f.get("lagMs")),
      maxLagMs: round(f.get("maxLagMs")),
      clientErrors: f.get("tickErrors"),
      lateness,
      intervals: f.histogram("intervals").summary(),
    },
    maxSendLatenessMs: lateness.maxMs,
  };
}
