import { formatBytes } from "./output.js";

/**
 * A progress bar on stderr for long work (downloads, imports). On a terminal
 * it redraws one line; elsewhere it prints a line every 10% so CI logs stay short.
 */
export class ProgressBar {
  private lastDraw = 0;
  private lastDecile = -1;
  private readonly started = performance.now();

  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean },
    private readonly label: string,
    private total: number | null,
    private readonly unit: "bytes" | "items" = "bytes",
  ) {}

  setTotal(total: number | null): void {
    this.total = total;
  }

  update(done: number): void {
    const now = performance.now();
    if (this.out.isTTY) {
      if (now - this.lastDraw < 100) return;
      this.lastDraw = now;
      this.out.write(`\r${this.render(done)}\x1b[K`);
      return;
    }
    if (this.total) {
      const decile = Math.floor((done / this.total) * 10);
      if (decile > this.lastDecile) {
        this.lastDecile = decile;
        this.out.write(`${this.render(done)}\n`);
      }
    }
  }

  finish(done: number, note = "done"): void {
    const line = `${this.render(done)} ${note}`;
    this.out.write(this.out.isTTY ? `\r${line}\x1b[K\n` : `${line}\n`);
  }

  private render(done: number): string {
    const fmt = (n: number) => (this.unit === "bytes" ? formatBytes(n) : String(n));
    const secs = (performance.now() - this.started) / 1000;
    const rate = secs > 0 ? done / secs : 0;
    const rateText = this.unit === "bytes" ? `${formatBytes(Math.round(rate))}/s` : `${rate.toFixed(1)}/s`;
    if (!this.total) return `${this.label} ${fmt(done)} ${rateText}`;
    const frac = Math.min(1, done / this.total);
    const width = 24;
    const filled = Math.round(frac * width);
    const bar = "#".repeat(filled) + "-".repeat(width - filled);
    return `${this.label} [${bar}] ${(frac * 100).toFixed(0).padStart(3)}% ${fmt(done)}/${fmt(this.total)} ${rateText}`;
  }
}
