import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LlamaContextSequence, Token } from "node-llama-cpp";

/** Fewer shared tokens than this are not worth a state load (a few ms) or a saved state (tens of MB). */
const MIN_SHARED_TOKENS = 64;

interface SavedState {
  file: string;
  tokens: readonly Token[];
  lastUsed: number;
}

/**
 * Saved KV states of prompts that conversations share, so a new call does
 * not prefill them again. An agent's system prompt with its tool
 * documentation is ~1,600 tokens for the receptionist on Qwen2.5: about 10 s
 * of prefill on a 2-core box with the 0.5B model and ~30 s with the 1.5B,
 * before the first word of every call. Loaded into a call's sequence, the
 * saved state costs a file read of a few tens of MB; llama.cpp then
 * evaluates only where the call's prompt departs from it (LlamaChat keeps a
 * sequence's longest matching prefix).
 *
 * States are files (node-llama-cpp saves and loads sequence states only
 * through files) in a folder of this process, removed on dispose: a state
 * is only valid for the exact model that made it, so none outlives it.
 */
export class PromptStates {
  private readonly dir = mkdtempSync(join(tmpdir(), "parley-llm-prompts-"));
  private readonly states: SavedState[] = [];
  private uses = 0;
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly maxStates: number) {}

  /** How many leading tokens of `prompt` the best saved state shares, and that state. */
  best(prompt: readonly Token[]): { state: SavedState | null; shared: number } {
    let state: SavedState | null = null;
    let shared = 0;
    for (const s of this.states) {
      const n = sharedPrefix(s.tokens, prompt);
      if (n > shared) [state, shared] = [s, n];
    }
    return { state, shared };
  }

  /**
   * Loads the best saved state into `sequence` when it covers more of
   * `prompt` than the sequence already holds; returns the tokens it saves.
   * A state that fails to load leaves the sequence empty, which only costs
   * the prefill it was meant to save.
   */
  async restore(sequence: LlamaContextSequence, prompt: readonly Token[]): Promise<number> {
    const { state, shared } = this.best(prompt);
    const own = sharedPrefix(sequence.contextTokens, prompt);
    if (!state || shared < own + MIN_SHARED_TOKENS) return 0;
    state.lastUsed = ++this.uses;
    try {
      await sequence.loadStateFromFile(state.file, { acceptRisk: true });
    } catch {
      this.forget(state);
      await sequence.clearHistory();
      return 0;
    }
    return shared - own;
  }

  /** Whether a prompt like this one is worth saving: no saved state shares enough of it. */
  wants(prompt: readonly Token[]): boolean {
    return prompt.length >= MIN_SHARED_TOKENS && this.best(prompt).shared < MIN_SHARED_TOKENS;
  }

  /** Saves what `sequence` holds now (its evaluated tokens) as a shared state. */
  save(sequence: LlamaContextSequence): Promise<void> {
    const tokens = [...sequence.contextTokens];
    if (!this.wants(tokens)) return Promise.resolve();
    const file = join(this.dir, `state-${++this.uses}.bin`);
    const saved = sequence.saveStateToFile(file).then(
      () => {
        this.states.push({ file, tokens, lastUsed: this.uses });
        while (this.states.length > this.maxStates)
          this.forget(this.states.reduce((a, b) => (b.lastUsed < a.lastUsed ? b : a)));
      },
      () => rmSync(file, { force: true }), // a failed save (disk full) only means no shortcut
    );
    this.saving = this.saving.then(() => saved);
    return saved;
  }

  get size(): number {
    return this.states.length;
  }

  async dispose(): Promise<void> {
    await this.saving;
    rmSync(this.dir, { recursive: true, force: true });
  }

  private forget(state: SavedState): void {
    this.states.splice(this.states.indexOf(state), 1);
    rmSync(state.file, { force: true });
  }
}

export function sharedPrefix(a: readonly Token[], b: readonly Token[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}
