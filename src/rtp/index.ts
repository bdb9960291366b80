/**
 * The media plane of a live call: RTP over UDP, pacing, jitter buffer, RFC 4733 DTMF, port pool.
 *
 * Media never waits for inference. Each `RtpSession` is a main-thread handle;
 * the session itself (socket, 20 ms pacer, sender, receiver and jitter
 * buffer, DTMF both ways, the agent audio about to be sent) lives in a media
 * worker thread (`rtp.mediaThreads`, one by default), started with the first
 * session and ended a few seconds after the last (a server starts them before
 * its engines load and keeps them: `keepMediaThreads`). Caller frames and events
 * come back batched once per tick; agent audio goes over as it is produced,
 * pulled up to 2 s ahead; counters and timing histograms are shared memory,
 * so `stats()` is synchronous and never more than a tick old.
 *
 * The send clock is the monotonic clock: a packet is never more than two
 * frames behind the real time its RTP timestamp tells. After a longer stall
 * of the media thread, the slots that passed are skipped (the timestamp
 * jumps, sequence numbers stay continuous, the marker bit is set) instead of
 * being sent in a burst or pushing the whole stream late; agent audio is not
 * dropped but resumes where it stopped, so played-sample counts stay exact.
 */
export { RtpSession, type RtpSessionOptions, type RtpTiming } from "./session.js";
export type { ItemStream, RtpDirection, RtpDropReason, RtpMedia, RtpSessionEvent, RtpSessionStats } from "./types.js";
export type { Playback, PlaybackEndReason, PlaybackResult, PlaybackSource } from "./playback-queue.js";
export type { DtmfSendOptions } from "./dtmf-sender.js";
export { PortPool, type PortRange } from "./port-pool.js";
export { keepMediaThreads, releaseMediaThreads } from "./media/media-pool.js";
export { PortsExhaustedError, RtpError } from "./errors.js";
export { type TimerSource, realTimers } from "./timer-source.js";
export { Pacer, type PacerClient, type PacerOptions } from "./pacer.js";
export {
  JitterBuffer,
  type JitterBufferOptions,
  type JitterFrameKind,
  type JitterPushResult,
} from "./jitter-buffer.js";
export { MsHistogram, type HistogramSummary } from "./histogram.js";
export { DTMF_KEYS, dtmfEventCode, dtmfKey } from "./dtmf.js";
export { PT_PCMA, PT_PCMU, lawForPayloadType, payloadTypeForLaw } from "./codec.js";
export { type RtpPacket, type RtpRejectReason, RtpHeader, parseRtp, parseRtpInto, serializeRtp } from "./packet.js";
export { type MediaPlaneFigures, mediaPlaneFigures } from "./media/media-pool.js";
