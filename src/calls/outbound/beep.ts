import { rmsDbfs } from "../../audio/index.js";

/**
 * Finds the beep at the end of an answering machine's greeting: a steady
 * tone (one frequency, 300-3000 Hz, loud) lasting at least `minMs`. The
 * frequency of each 20 ms frame is estimated from zero crossings: speech
 * wanders from frame to frame, a tone does not.
 */
export class BeepDetector {
  private run = 0;
  private lastHz = 0;

  constructor(
    private readonly minMs = 160,
    private readonly sampleRate = 8000,
  ) {}

  /** Feeds one frame; true on the frame that completes a beep. */
  push(pcm: Int16Array): boolean {
    const hz = this.frequency(pcm);
    const steady =
      hz >= 300 &&
      hz <= 3000 &&
      rmsDbfs(pcm) > -35 &&
      (this.run === 0 || Math.abs(hz - this.lastHz) / this.lastHz < 0.06);
    this.run = steady ? this.run + 1 : 0;
    this.lastHz = hz;
    const frameMs = (pcm.length * 1000) / this.sampleRate;
    if (this.run * frameMs >= this.minMs) {
      this.run = 0;
      return true;
    }
    return false;
  }

  private frequency(pcm: Int16Array): number {
    let crossings = 0;
    for (let i = 1; i < pcm.length; i++) if (pcm[i - 1]! < 0 !== pcm[i]! < 0) crossings++;
    return (crossings * this.sampleRate) / (2 * pcm.length);
  }
}
