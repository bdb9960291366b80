/** The media plane of a live call: RTP over UDP, pacing, jitter buffer, RFC 4733 DTMF, port pool. */
export { RtpSession, type RtpSessionOptions } from "./session.js";
export type { ItemStream, RtpDirection, RtpDropReason, RtpMedia, RtpSessionEvent, RtpSessionStats } from "./types.js";
export type { Playback, PlaybackEndReason, PlaybackResult, PlaybackSource } from "./playback-queue.js";
export type { DtmfSendOptions } from "./dtmf-sender.js";
export { PortPool, type PortRange } from "./port-pool.js";
export { PortsExhaustedError, RtpError } from "./errors.js";
export { type TimerSource, realTimers } from "./timer-source.js";
export { Pacer, type PacerClient, type PacerOptions } from "./pacer.js";
export { JitterBuffer, type JitterBufferOptions, type JitterFrameKind, type JitterPushResult } from "./jitter-buffer.js";
export { MsHistogram, type HistogramSummary } from "./histogram.js";
export { DTMF_KEYS, dtmfEventCode, dtmfKey } from "./dtmf.js";
export { PT_PCMA, PT_PCMU, lawForPayloadType, payloadTypeForLaw } from "./codec.js";
export { type RtpPacket, type RtpRejectReason, RtpHeader, parseRtp, parseRtpInto, serializeRtp } from "./packet.js";
