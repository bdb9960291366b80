import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { mediaPlaneFigures, type RtpSessionStats } from "../rtp/index.js";

const QUANTILES = [0.5, 0.99, 0.999, 1] as const;

/**
 * The media plane's send clock at each scrape (read from the media threads'
 * shared figures, no message to them), and each call's worst lag when it
 * ends: the evidence that media did not wait for inference.
 */
export class MediaMetrics {
  private readonly callMaxLag: Histogram;

  constructor(registry: Registry) {
    const registers = [registry];
    new Gauge({
      name: "parley_rtp_send_lag_seconds",
      help: "How far the newest RTP packets left behind the real time their timestamps tell (worst session now; under 0.04 by design)",
      registers,
      collect() {
        this.set(mediaPlaneFigures().lagMs / 1000);
      },
    });
    new Gauge({
      name: "parley_rtp_send_lag_max_seconds",
      help: "The most any RTP packet has left behind real time since the server started",
      registers,
      collect() {
        this.set(mediaPlaneFigures().maxLagMs / 1000);
      },
    });
    new Counter({
      name: "parley_rtp_send_stalls_total",
      help: "Media clock ticks two frames or more late (the OS held a media thread up); the slots that passed were skipped",
      registers,
      collect() {
        this.reset();
        this.inc(mediaPlaneFigures().stalls);
      },
    });
    new Counter({
      name: "parley_rtp_send_skipped_frames_total",
      help: "20 ms slots skipped after media-thread stalls (media time that passed with no packet; audio was delayed, not dropped)",
      registers,
      collect() {
        this.reset();
        this.inc(mediaPlaneFigures().skippedSlots);
      },
    });
    new Gauge({
      name: "parley_rtp_media_tick_interval_seconds",
      help: "Time between the media clock's 20 ms ticks since the server started, by quantile (1: the longest)",
      labelNames: ["quantile"],
      registers,
      collect() {
        const h = mediaPlaneFigures().tickIntervals;
        for (const q of QUANTILES)
          this.set({ quantile: String(q) }, (q === 1 ? Math.max(0, h.max) : h.percentile(q * 100)) / 1000);
      },
    });
    new Counter({
      name: "parley_rtp_media_cpu_seconds_total",
      help: "CPU time used by the media threads (Linux)",
      registers,
      collect() {
        this.reset();
        this.inc(mediaPlaneFigures().cpuMs / 1000);
      },
    });
    new Counter({
      name: "parley_rtp_media_runqueue_wait_seconds_total",
      help: "Time the media threads were ready to run but waited for a CPU (Linux): the machine, not Parley, delaying media",
      registers,
      collect() {
        this.reset();
        this.inc(mediaPlaneFigures().runQueueWaitMs / 1000);
      },
    });
    new Gauge({
      name: "parley_rtp_media_threads",
      help: "Media threads running, labelled with the scheduling they got (rtp.mediaThreadPriority; the lowest if they differ)",
      labelNames: ["priority"],
      registers,
      collect() {
        const f = mediaPlaneFigures();
        this.reset();
        if (f.threads > 0) this.set({ priority: f.priority ?? "normal" }, f.threads);
      },
    });
    new Gauge({
      name: "parley_rtp_media_sessions",
      help: "RTP sessions held by the media threads",
      registers,
      collect() {
        this.set(mediaPlaneFigures().sessions);
      },
    });
    this.callMaxLag = new Histogram({
      name: "parley_rtp_call_max_lag_seconds",
      help: "Per call: the most its RTP packets left behind real time",
      buckets: [0.005, 0.01, 0.02, 0.03, 0.04, 0.06, 0.1, 0.5, 1, 5],
      registers,
    });
  }

  callEnded(stats: RtpSessionStats): void {
    this.callMaxLag.observe(stats.pacer.maxLagMs / 1000);
  }
}
