/**
 * What a call recording keeps while a sensitive step runs (a caller reading
 * out card digits, an ID number, a PIN). The gate sits between the call's
 * audio and the recorder, so sensitive audio never reaches the file:
 *
 * - `silence`: both sides are written as silence, the recording keeps its
 *   length, and a listener hears a gap where the step was;
 * - `pause`: nothing is written, the recording is shorter, and the cut is
 *   recorded as a zero-length span at the point where it happened.
 *
 * Steps may nest or overlap (a sensitive DTMF step inside a sensitive
 * payment flow): the recording resumes when the last one ends. `spans()`
 * lists where, on the recording's own timeline, audio was withheld, for the
 * call's record and for audits.
 */
export type SensitiveRecordingMode = "pause" | "silence";

/** What the gate feeds: CallRecorder fits. */
export interface RecordingSink {
  caller(pcm: Int16Array): void;
  agent(pcm: Int16Array | null): void;
}

export interface WithheldSpan {
  /** Milliseconds into the recording as written. */
  startMs: number;
  endMs: number;
  mode: SensitiveRecordingMode;
  /** Milliseconds of call audio withheld (for `pause`, endMs - startMs is 0 and this says how long the cut was). */
  withheldMs: number;
  reason: string;
}

const FRAME_MS = 20;

export class RecordingGate implements RecordingSink {
  private depth = 0;
  private reason = "";
  /** Frames handed to the sink per side (silence included). */
  private callerFrames = 0;
  private agentFrames = 0;
  /** Frames withheld per side since the current pause began. */
  private callerWithheld = 0;
  private agentWithheld = 0;
  private frameSamples = 160;
  private openedAt = 0;
  private readonly done: WithheldSpan[] = [];

  constructor(
    private readonly sink: RecordingSink,
    readonly mode: SensitiveRecordingMode,
  ) {}

  get sensitive(): boolean {
    return this.depth > 0;
  }

  /** Starts withholding audio; `reason` names the step ("payment card", "dtmf:pin"). */
  pause(reason: string): void {
    if (this.depth++ > 0) return;
    this.reason = reason;
    if (this.mode === "pause") this.levelSides();
    this.openedAt = this.writtenMs();
    this.callerWithheld = 0;
    this.agentWithheld = 0;
  }

  /** Ends one pause; the recording resumes when every pause has ended. */
  resume(): void {
    if (this.depth === 0) return;
    if (--this.depth > 0) return;
    this.done.push(this.current());
  }

  /** Runs a sensitive step with the recording withheld, resuming however it ends (return, throw, abort). */
  async during<T>(reason: string, step: () => Promise<T>): Promise<T> {
    this.pause(reason);
    try {
      return await step();
    } finally {
      this.resume();
    }
  }

  caller(pcm: Int16Array): void {
    this.frameSamples = pcm.length;
    if (this.depth > 0) {
      this.callerWithheld++;
      if (this.mode === "pause") return;
      pcm = new Int16Array(pcm.length);
    }
    this.callerFrames++;
    this.sink.caller(pcm);
  }

  agent(pcm: Int16Array | null): void {
    if (this.depth > 0) {
      this.agentWithheld++;
      if (this.mode === "pause") return;
      pcm = null;
    }
    this.agentFrames++;
    this.sink.agent(pcm);
  }

  /** Where audio was withheld so far; a pause still open is listed up to now. */
  spans(): WithheldSpan[] {
    const spans = this.done.map((s) => ({ ...s }));
    if (this.depth > 0) spans.push(this.current());
    return spans;
  }

  private current(): WithheldSpan {
    const withheldMs = Math.max(this.callerWithheld, this.agentWithheld) * FRAME_MS;
    return { startMs: this.openedAt, endMs: this.writtenMs(), mode: this.mode, withheldMs, reason: this.reason };
  }

  /**
   * The recorder pairs caller and agent frames in arrival order; one side may
   * be a few frames ahead. Before a cut the lagging side is topped up with
   * silence so both sides stop at the same instant and resume in step.
   */
  private levelSides(): void {
    while (this.agentFrames < this.callerFrames) {
      this.agentFrames++;
      this.sink.agent(null);
    }
    while (this.callerFrames < this.agentFrames) {
      this.callerFrames++;
      this.sink.caller(new Int16Array(this.frameSamples));
    }
  }

  private writtenMs(): number {
    return Math.max(this.callerFrames, this.agentFrames) * FRAME_MS;
  }
}
