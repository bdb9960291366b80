import { z } from "zod";

/**
 * RTP media (owned by src/rtp). Defaults suit one box behind a PBX on a
 * LAN: 500 calls' worth of even ports, loopback until told otherwise (like
 * the SIP side), a jitter buffer that starts at 60 ms and adapts between 20
 * and 200, and silence sent whenever the agent is not speaking.
 */
const portRange = z
  .object({
    min: z.number().int().min(1024).max(65535).default(20000),
    max: z.number().int().min(1024).max(65535).default(20999),
  })
  .strict()
  .refine((r) => r.min <= r.max, { message: "rtp.ports.min must not be above rtp.ports.max" })
  .refine((r) => (r.min % 2 === 0 ? r.min : r.min + 1) <= r.max, {
    message: "rtp.ports must hold at least one even port (RTP uses even ports)",
  });

const jitterBuffer = z
  .object({
    /** Lowest playout delay the buffer adapts down to. */
    minMs: z.number().int().min(0).max(1000).default(20),
    /** Delay at the start of a stream, before any jitter is observed. */
    initialMs: z.number().int().min(0).max(2000).default(60),
    /** Highest playout delay; packets later than this are dropped as late. */
    maxMs: z.number().int().min(20).max(2000).default(200),
  })
  .strict()
  .refine((j) => j.minMs <= j.initialMs && j.initialMs <= j.maxMs, {
    message: "rtp.jitterBuffer needs minMs <= initialMs <= maxMs",
  });

export const rtpSection = z
  .object({
    /** UDP ports for media; each call takes one even port (the odd neighbour is left for RTCP). */
    ports: portRange.prefault({}),
    /** Address the media sockets bind to; 0.0.0.0 to take calls from other hosts. */
    bindHost: z.string().min(1).default("127.0.0.1"),
    jitterBuffer: jitterBuffer.prefault({}),
    /**
     * Send G.711 silence packets while the agent says nothing: keeps NAT
     * pinholes open and the PBX's jitter buffer fed. When false, nothing is
     * sent while idle and the next talkspurt starts with the marker bit.
     */
    sendSilenceWhenIdle: z.boolean().default(true),
    /**
     * Symmetric RTP ("latching"): send to where the caller's media really comes from. By default only a source at
     * the SDP's address may latch, so a stranger who sprays our ports before the caller's first packet hears
     * nothing and is not heard. Turn this on when callers sit behind NAT and their SDP names a private address:
     * then the first valid packet from anywhere latches (the classic behaviour, open to that race).
     */
    latchAnySource: z.boolean().default(false),
    /** Caller frames (20 ms each) queued for a slow reader before the oldest are dropped. */
    maxInboundFrames: z.number().int().min(5).max(3000).default(50),
    /**
     * Threads running call media (sockets, pacing, jitter buffers), apart from
     * the main thread so inference never delays a packet. One carries hundreds
     * of calls; sessions are spread over them.
     */
    mediaThreads: z.number().int().min(1).max(16).default(1),
    /**
     * Scheduling of the media threads (Linux). "realtime" (default): SCHED_RR
     * priority 10 (set with util-linux `chrt`), ahead of every ordinary thread
     * on the box, as audio servers do (PipeWire, JACK; Asterisk -p): what keeps
     * packets on time when the engines or other services saturate the CPUs. A
     * media thread uses a few percent of a core, so this cannot starve anything.
     * "high": nice -10, ahead of this process's engine threads only. "normal":
     * no change. The first two need CAP_SYS_NICE (root, or systemd's
     * AmbientCapabilities=CAP_SYS_NICE); without it the thread falls back a
     * level at a time, and the server logs a warning saying why.
     */
    mediaThreadPriority: z.enum(["normal", "high", "realtime"]).default("realtime"),
  })
  .strict();

export type RtpConfig = z.infer<typeof rtpSection>;
