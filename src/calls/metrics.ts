import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { TurnRecord } from "../agent/conversation/types.js";
import type { RtpSessionStats } from "../rtp/index.js";
import { MediaMetrics } from "./media-metrics.js";

const STAGES = [
  ["endpointMs", "endpoint"],
  ["asrFinalMs", "asr_final"],
  ["llmFirstTokenMs", "llm_first_token"],
  ["ttsFirstAudioMs", "tts_first_audio"],
  ["firstRtpMs", "first_rtp"],
] as const;

/** Live-call metrics: active calls, outcomes, and each turn's latency stages from the caller's last word. */
export class CallMetrics {
  readonly active: Gauge;
  private readonly calls: Counter<"direction" | "outcome">;
  private readonly turnLatency: Histogram<"stage">;
  private readonly bargeIns: Counter;
  private readonly underruns: Counter;
  private readonly rtpLate: Counter;
  private readonly media: MediaMetrics;
  private readonly failedTurns: Counter<"stage">;
  private readonly historyTrims: Counter;
  private readonly turnEnds: Counter<"by">;
  private readonly speculative: Counter<"outcome">;

  /** `gauges` are read when scraped: call slots in use (counted from the INVITE) and RTP ports bound. */
  constructor(registry: Registry, gauges?: { slots: () => number; ports: () => number }) {
    this.active = new Gauge({ name: "parley_calls_active", help: "Live calls in progress", registers: [registry] });
    if (gauges) {
      new Gauge({
        name: "parley_calls_slots_used",
        help: "Calls counted against calls.maxCalls: from the INVITE (ours or theirs) until they end, answered or not",
        registers: [registry],
        collect() {
          this.set(gauges.slots());
        },
      });
      new Gauge({
        name: "parley_rtp_ports_in_use",
        help: "RTP ports bound by calls (ringing, awaiting ACK or talking)",
        registers: [registry],
        collect() {
          this.set(gauges.ports());
        },
      });
    }
    this.calls = new Counter({
      name: "parley_calls_total",
      help: "Finished calls by direction and outcome",
      labelNames: ["direction", "outcome"],
      registers: [registry],
    });
    this.turnLatency = new Histogram({
      name: "parley_turn_latency_seconds",
      help: "Per-turn latency from the caller's last word to each stage (first_rtp is what the caller hears)",
      labelNames: ["stage"],
      buckets: [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2, 3, 5],
      registers: [registry],
    });
    this.bargeIns = new Counter({
      name: "parley_barge_ins_total",
      help: "Times a caller interrupted the agent",
      registers: [registry],
    });
    this.underruns = new Counter({
      name: "parley_rtp_underruns_total",
      help: "Agent audio that ran dry mid-sentence (TTS slower than playback)",
      registers: [registry],
    });
    this.rtpLate = new Counter({
      name: "parley_rtp_late_packets_total",
      help: "Caller packets that arrived too late for the jitter buffer",
      registers: [registry],
    });
    this.media = new MediaMetrics(registry);
    this.failedTurns = new Counter({
      name: "parley_turns_failed_total",
      help: "Agent turns that failed (the caller heard the fallback line), by where they failed",
      labelNames: ["stage"],
      registers: [registry],
    });
    this.turnEnds = new Counter({
      name: "parley_turn_ends_total",
      help: "Caller turns by what ended them: silence (vad), the recogniser's endpoint (asr), the turn model (model), keypad (dtmf)",
      labelNames: ["by"],
      registers: [registry],
    });
    this.speculative = new Counter({
      name: "parley_speculative_replies_total",
      help: "Replies started on the interim transcript when the caller paused: kept (hit) or discarded unheard (miss)",
      labelNames: ["outcome"],
      registers: [registry],
    });
    this.historyTrims = new Counter({
      name: "parley_history_trims_total",
      help: "Times a call's older turns were left out of the prompt to fit the model's context",
      registers: [registry],
    });
  }

  turn(t: TurnRecord): void {
    if (t.failed) this.failedTurns.inc({ stage: t.failure?.stage ?? "internal" });
    if (t.contextFit?.trimmed) this.historyTrims.inc();
    if (!t.timing) return;
    if (t.timing.endedBy) this.turnEnds.inc({ by: t.timing.endedBy });
    const spec = t.timing.speculation;
    if (spec?.kept) this.speculative.inc({ outcome: "hit" });
    if (spec && spec.discarded > 0) this.speculative.inc({ outcome: "miss" }, spec.discarded);
    for (const [key, stage] of STAGES) {
      const ms = t.timing[key];
      if (ms !== null) this.turnLatency.observe({ stage }, ms / 1000);
    }
  }

  ended(
    direction: string,
    outcome: string,
    stats: { bargeIns: number; underruns: number; late: number },
    rtp: RtpSessionStats | null = null,
  ): void {
    this.calls.inc({ direction, outcome });
    this.bargeIns.inc(stats.bargeIns);
    this.underruns.inc(stats.underruns);
    this.rtpLate.inc(stats.late);
    if (rtp) this.media.callEnded(rtp);
  }
}
