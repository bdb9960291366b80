import type { ChatMessage, LlmEngine, ToolCall, ToolSpec } from "../../engines/types.js";
import { ParleyError } from "../../lib/errors.js";

export type { ContextFit } from "../../store/records/call-turn.js";
import type { ContextFit } from "../../store/records/call-turn.js";

export interface FittedPrompt {
  messages: ChatMessage[];
  fit: ContextFit;
}

/** The system prompt and tools (with the caller's latest turn) do not fit the model's context at all. */
export class ContextTooSmallError extends ParleyError {
  constructor(message: string, details: Record<string, unknown>) {
    super("context_too_small", message, { status: 500, details });
    this.name = "ContextTooSmallError";
  }
}

export interface ContextWindowOptions {
  /** After a trim, the prompt is cut down to the fixed part plus this share of the room for history, so the next trims are turns away. */
  keepAfterTrim?: number;
}

/** Marks the cut, so the model does not take the kept turns for the start of the call. No trigger words for the test models. */
export const TRIM_NOTE = "Earlier turns of this call were left out to save space.";
const DEFAULT_KEEP_AFTER_TRIM = 0.5;

type Counter = Pick<LlmEngine, "contextSize" | "maxTokens" | "countTokens">;

/**
 * Keeps a call's prompt within the model's context. Before each LLM call the
 * prompt (system prompt + tool documentation + history + room for the reply)
 * is measured with the model's own template and tokenizer. When it no longer
 * fits, whole turns are left out from the oldest, keeping:
 *   - the system prompt;
 *   - the caller's current turn and everything the model has produced in it;
 *   - the latest result of each tool, and any result the model never
 *     answered, with the call that asked for it (they carry the facts of the
 *     call: a booking made, an order looked up).
 * A trim cuts well below the limit (keepAfterTrim), and the cut stays where it
 * is until the next trim: the kept prefix of the prompt is then the same from
 * turn to turn, so llama.cpp reuses its KV cache instead of re-reading the
 * whole conversation at every turn.
 *
 * The history given to fit() is the conversation's own: append-only, system
 * prompt first. The window remembers where its cut is as an index into it.
 */
export class ContextWindow {
  private start = 1;
  private fixedTokens: number | null = null;
  private readonly keep: number;

  constructor(
    private readonly llm: Counter,
    private readonly tools: ToolSpec[],
    o: ContextWindowOptions = {},
  ) {
    this.keep = o.keepAfterTrim ?? DEFAULT_KEEP_AFTER_TRIM;
  }

  /**
   * The most the prompt may take: the context less the room kept for the
   * reply, which is the engine's reply limit but at most 1/16 of the context
   * (spoken replies are a sentence or two; on a small context a full
   * maxTokens would leave no room for the conversation). A reply that runs
   * past its room is still finished: the engine's context shift drops the
   * oldest turns (engines/llm/context-shift.ts).
   */
  get limit(): number {
    return this.llm.contextSize - Math.min(this.llm.maxTokens, Math.ceil(this.llm.contextSize / 16));
  }

  fit(history: ChatMessage[]): FittedPrompt {
    const started = performance.now();
    const limit = this.limit;
    const count = (m: ChatMessage[]) => this.llm.countTokens(m, this.tools);
    let prompt = this.assemble(history, this.start);
    let tokens = count(prompt);
    if (tokens <= limit)
      return { messages: prompt, fit: { promptTokens: tokens, limit, fitMs: performance.now() - started } };

    const tokensBefore = tokens;
    const fixed = (this.fixedTokens ??= count(history.slice(0, 1)));
    const target = fixed + Math.floor(this.keep * Math.max(0, limit - fixed));
    const cuts = turnStarts(history, this.start);
    // The fewest turns left out that bring the prompt under the target (fewer tokens the more is cut: binary search).
    let lo = 0;
    let hi = cuts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (count(this.assemble(history, cuts[mid]!)) <= target) hi = mid;
      else lo = mid + 1;
    }
    const cut = cuts[lo]!;
    prompt = this.assemble(history, cut);
    tokens = count(prompt);
    // Only the current turn is left and it is still too long: give up kept tool results, oldest first.
    for (let dropPinned = 1; tokens > limit && dropPinned <= this.pinnedCount(history, cut); dropPinned++) {
      prompt = this.assemble(history, cut, dropPinned);
      tokens = count(prompt);
    }
    if (tokens > limit) {
      throw new ContextTooSmallError(
        `the prompt needs ${tokens} tokens with only the caller's latest turn kept (system prompt and tool documentation alone: ${fixed}), ` +
          `but the model's context holds ${this.llm.contextSize} of which ${this.llm.contextSize - limit} are kept for the reply: shorten the system prompt, drop tools, or raise engines.llm.contextSize`,
        { tokens, fixedTokens: fixed, contextSize: this.llm.contextSize, limit },
      );
    }
    this.start = cut;
    const keptToolResults =
      prompt.filter((m) => m.role === "tool").length - history.slice(cut).filter((m) => m.role === "tool").length;
    return {
      messages: prompt,
      fit: {
        promptTokens: tokens,
        limit,
        fitMs: performance.now() - started,
        trimmed: { tokensBefore, leftOut: cut - 1, keptToolResults },
      },
    };
  }

  /** System prompt, then (when turns are left out) the note and the kept tool results, then the history from `cut`. */
  private assemble(history: ChatMessage[], cut: number, dropPinned = 0): ChatMessage[] {
    if (cut <= 1) return history;
    const system = history.slice(0, 1);
    return [
      ...system,
      { role: "system", content: TRIM_NOTE },
      ...pinnedToolResults(history, cut).slice(dropPinned * 2),
      ...history.slice(cut),
    ];
  }

  private pinnedCount(history: ChatMessage[], cut: number): number {
    return pinnedToolResults(history, cut).length / 2;
  }
}

/** Where each turn starts (a caller message), after the current cut and up to the caller's latest message, which always stays. */
function turnStarts(history: ChatMessage[], from: number): number[] {
  const starts: number[] = [];
  for (let i = from + 1; i < history.length; i++) if (history[i]!.role === "user") starts.push(i);
  if (starts.length === 0) starts.push(from);
  return starts;
}

/**
 * The tool results before `cut` that still matter, each after an assistant
 * message with just the call that asked for it (oldest first; pairs of two
 * messages). A result matters when it is the latest of its tool (and the tool
 * was not called again after the cut), or when the model never answered it
 * (its turn ended on the result: interrupted, or failed).
 */
function pinnedToolResults(history: ChatMessage[], cut: number): ChatMessage[] {
  const calledLater = new Set<string>();
  for (const m of history.slice(cut))
    if (m.role === "assistant") for (const c of m.toolCalls ?? []) calledLater.add(c.name);
  const calls = new Map<string, ToolCall>();
  const latest = new Map<string, number>();
  const unanswered = new Set<number>();
  for (let i = 1; i < cut; i++) {
    const m = history[i]!;
    if (m.role === "assistant") for (const c of m.toolCalls ?? []) calls.set(c.id, c);
    if (m.role !== "tool") continue;
    const call = calls.get(m.toolCallId);
    if (!call) continue;
    latest.set(call.name, i);
    if (!answeredAfter(history, i)) unanswered.add(i);
  }
  const keep = new Set(unanswered);
  for (const [name, i] of latest) if (!calledLater.has(name)) keep.add(i);
  return [...keep]
    .sort((a, b) => a - b)
    .flatMap((i) => {
      const result = history[i] as Extract<ChatMessage, { role: "tool" }>;
      const call = calls.get(result.toolCallId)!;
      return [{ role: "assistant", content: "", toolCalls: [call] } satisfies ChatMessage, result];
    });
}

/** Did the model say something after this tool result, before the caller spoke again? */
function answeredAfter(history: ChatMessage[], i: number): boolean {
  for (let j = i + 1; j < history.length; j++) {
    const m = history[j]!;
    if (m.role === "user") return false;
    if (m.role === "assistant" && m.content) return true;
  }
  return false;
}
