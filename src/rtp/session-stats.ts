/** Gathers a session's counters from its parts into one JSON-able RtpSessionStats. */
import type { Pacer } from "./pacer.js";
import type { PlaybackQueue } from "./playback-queue.js";
import type { RtpReceiver } from "./receiver.js";
import type { RtpSender } from "./sender.js";
import { RTP_REJECT_REASONS } from "./packet.js";
import type { RtpMedia, RtpSessionStats } from "./types.js";

export interface StatsSources {
  localAddress: string;
  localPort: number;
  media: Required<RtpMedia> | null;
  receiver: RtpReceiver;
  sender: RtpSender;
  pacer: Pacer;
  queue: PlaybackQueue;
  dtmfOut: number;
  socketErrors: number;
  inboundFramesDropped: number;
  eventsDropped: number;
}

const round = (n: number) => Math.round(n * 100) / 100;

export function collectStats(s: StatsSources): RtpSessionStats {
  const r = s.receiver;
  const jb = r.jitter;
  const latch = r.latch;
  let malformed = 0;
  for (const reason of RTP_REJECT_REASONS) malformed += r.dropped[reason];
  const lateness = s.pacer.lateness.summary();
  return {
    localAddress: s.localAddress,
    localPort: s.localPort,
    codec: s.media?.codec ?? null,
    payloadType: s.media?.payloadType ?? null,
    telephoneEventPt: s.media?.telephoneEventPt ?? null,
    sdpRemote: s.media ? { address: s.media.remoteAddress, port: s.media.remotePort } : null,
    latched: latch.latchedAddress === null ? null : { address: latch.latchedAddress, port: latch.latchedPort, ssrc: latch.latchedSsrc },
    relatches: latch.relatches,
    ssrcChanges: r.ssrcChanges,
    packetsIn: r.packetsIn,
    bytesIn: r.bytesIn,
    packetsOut: s.sender.packetsOut,
    bytesOut: s.sender.bytesOut,
    audioPacketsOut: s.sender.audioPackets,
    silencePacketsOut: s.sender.silencePackets,
    eventPacketsOut: s.sender.eventPackets,
    socketErrors: s.socketErrors,
    malformed,
    dropped: { ...r.dropped },
    lost: r.seq.lost,
    duplicates: r.seq.duplicates + jb.counters.duplicates,
    reordered: r.seq.reordered,
    late: jb.counters.late,
    seqRestarts: r.seq.restarts,
    jitterMs: round(jb.jitterMs),
    jitterBuffer: {
      targetDelayMs: round(jb.targetDelayMs),
      bufferedMs: round(jb.bufferedMs),
      framesOut: jb.counters.framesOut,
      concealedFrames: jb.counters.concealedFrames,
      partialFrames: jb.counters.partialFrames,
      resets: jb.counters.resets,
    },
    inboundFramesDropped: s.inboundFramesDropped,
    eventsDropped: s.eventsDropped,
    dtmfIn: r.dtmfIn,
    dtmfOut: s.dtmfOut,
    underruns: s.queue.underruns,
    pacer: {
      ticks: s.pacer.ticks,
      reanchors: s.pacer.reanchors,
      clientErrors: s.pacer.clientErrors,
      lateness,
      intervals: s.pacer.intervals.summary(),
    },
    maxSendLatenessMs: lateness.maxMs,
  };
}
