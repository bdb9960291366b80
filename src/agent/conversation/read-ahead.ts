import type { ChatMessage, LlmEngine, ToolSpec } from "../../engines/types.js";
import type { ContextWindow } from "./context-window.js";

/**
 * Reads the caller's words into the LLM while they are still speaking, so
 * the reply at the end of the turn evaluates only its last words (on CPU a
 * turn's prompt costs hundreds of milliseconds to read; the caller's own
 * speaking time is free). Each new partial transcript asks for one read;
 * at most one runs at a time, and a read that arrives while one runs only
 * replaces the waiting one, so the LLM never falls behind the caller. A
 * read waits for a few new words (rendering the prompt costs a millisecond
 * or two of the event loop, and partials come several times a second).
 */
/** New words a partial transcript must bring before it is read. */
const MIN_NEW_WORDS = 3;

const wordCount = (text: string): number => text.split(/\s+/).filter(Boolean).length;

export class ReadAhead {
  private wanted: ChatMessage[] | null = null;
  private running = false;
  private draining: Promise<void> = Promise.resolve();
  /** Words of the caller's turn at the last read asked for. */
  private wordsRead = 0;
  /** Tokens read ahead during this conversation (turn records, tests). */
  tokens = 0;

  constructor(
    private readonly llm: LlmEngine,
    private readonly window: ContextWindow,
    private readonly tools: ToolSpec[],
    private readonly sessionKey: string,
    private readonly signal: AbortSignal,
    private readonly onError: (err: unknown) => void,
  ) {}

  get available(): boolean {
    return this.llm.prefill !== undefined;
  }

  /** The history with the caller's words so far as its last message. */
  read(history: ChatMessage[]): void {
    if (!this.available || this.signal.aborted) return;
    const words = wordCount(history.at(-1)?.content ?? "");
    if (words < this.wordsRead + MIN_NEW_WORDS) return;
    this.wordsRead = words;
    this.wanted = history;
    if (!this.running) this.draining = this.drain();
  }

  /** Resolves when no read runs or waits (tests, diagnostics). */
  async settled(): Promise<void> {
    await this.draining;
  }

  /** Forget a read not started yet (the turn is over: the reply reads the rest itself). */
  cancel(): void {
    this.wanted = null;
    this.wordsRead = 0;
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.wanted && !this.signal.aborted) {
        const history = this.wanted;
        this.wanted = null;
        // Fitted as the reply will fit it, or the prompt would part from what was read.
        const { messages } = this.window.fit(history);
        this.tokens += await this.llm.prefill!(messages, {
          sessionKey: this.sessionKey,
          tools: this.tools,
          signal: this.signal,
        });
      }
    } catch (err) {
      this.onError(err);
    } finally {
      this.running = false;
    }
  }
}
