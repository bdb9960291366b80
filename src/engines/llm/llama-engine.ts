import { randomUUID } from "node:crypto";
import {
  LlamaChat,
  resolveChatWrapper,
  type ChatModelFunctions,
  type ChatWrapper,
  type LlamaContext,
  type LlamaGrammar,
  type LlamaModel,
  type Llama,
  type Token,
} from "node-llama-cpp";
import type { ParleyConfig } from "../../config/index.js";
import { Channel } from "../../lib/channel.js";
import { AbortError, isAbortError, ModelError } from "../../lib/errors.js";
import { modelFile, modelSetting, type ModelRef } from "../model-ref.js";
import type {
  ChatMessage,
  ChatOptions,
  EngineInfo,
  JsonSchema,
  LlmDelta,
  LlmEngine,
  LlmUsage,
  PrefillOptions,
  ToolSpec,
} from "../types.js";
import { BATCH_PRIORITY, LIVE_PRIORITY, liveFirstStrategy } from "./batch-scheduler.js";
import { dropOldestItemsStrategy } from "./context-shift.js";
import { DecodeGate, FirstWordsYield } from "./decode-gate.js";
import { LiveCalls } from "./live-calls.js";
import { toFunctions, toLlamaHistory } from "./history.js";
import { LlmLoad } from "./llm-load.js";
import { countHistoryTokens, historyTokens } from "./prompt-tokens.js";
import { PromptStates, sharedPrefix } from "./prompt-states.js";
import { llamaRuntime } from "./runtime.js";
import { SessionOrder } from "./session-order.js";
import { SlotPool } from "./sequence-pool.js";

/**
 * Whether replies take turns for their first words (FirstWordsYield): "auto" on CPU, where two replies in one step
 * cost what two steps do, and not on a GPU, where they cost little more than one.
 */
function inTurns(config: ParleyConfig["engines"]["llm"], llama: Llama): boolean {
  return config.firstWordsInTurns === "auto" ? llama.gpu === false : config.firstWordsInTurns;
}

export interface LlamaEngineOptions {
  config: ParleyConfig["engines"]["llm"];
  /** Used when config.threads is 0. */
  physicalCores: number;
}

/**
 * GGUF models through node-llama-cpp: token streaming, function calling, and
 * replies constrained to a JSON schema by a grammar. llama.cpp runs on its own
 * native threads, so the event loop stays free without a worker thread.
 *
 * One loaded model and one context serve every call and job: each
 * conversation gets a sequence of that context (its KV cache, kept between
 * its turns), and all sequences are decoded together in shared batches
 * (batch-scheduler.ts decides who goes first: live calls). Live calls and
 * batch work have separate sequences, so a voicemail never holds a caller's.
 */
export class LlamaEngine implements LlmEngine {
  private readonly grammars = new Map<string, Promise<LlamaGrammar>>();
  /** Live queueing figures; replaced after the warm-up, so they start from the first call. */
  private load = new LlmLoad();
  private readonly order = new SessionOrder();

  private constructor(
    private readonly llama: Llama,
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    private readonly liveSlots: SlotPool<LlamaChat>,
    private readonly batchSlots: SlotPool<LlamaChat>,
    private readonly defaults: ParleyConfig["engines"]["llm"],
    readonly info: EngineInfo,
    private readonly chatWrapper: ChatWrapper,
    /** Saved KV states of prompts calls share (the agent's system prompt and tools); null when turned off. */
    private readonly states: PromptStates | null,
    /** Pauses decoding while a reply's first words are synthesised (decode-gate.ts). */
    private readonly firstWords: FirstWordsYield,
    private readonly calls: LiveCalls,
  ) {}

  static async load(ref: ModelRef, options: LlamaEngineOptions): Promise<LlamaEngine> {
    const started = performance.now();
    const { config } = options;
    const llama = await llamaRuntime(config.gpu);
    let model: LlamaModel;
    try {
      model = await llama.loadModel({
        modelPath: modelFile(ref, "file"),
        useMmap: config.mmap,
        ...(config.gpu === false ? { gpuLayers: 0 } : {}),
      });
    } catch (err) {
      throw new ModelError(
        "model_load_failed",
        `model ${ref.model.id}: llama.cpp could not load ${modelFile(ref, "file")}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    const wanted = modelSetting<number>(ref, "contextSize", config.contextSize);
    const contextSize = Math.min(wanted, model.trainContextSize);
    // Threads are always explicit: the library default oversubscribes small boxes badly (MODELS.md).
    // A catalog entry may suggest a count (tiny models run fastest on one thread).
    const threads =
      config.threads > 0 ? config.threads : modelSetting<number>(ref, "threads", 0) || options.physicalCores;
    const sequences = config.parallel + config.batchParallel;
    // Set below, once the context exists: the scheduler asks it whether a live turn is under way.
    let liveSlots: SlotPool<LlamaChat> | undefined;
    const calls = new LiveCalls(config.batchHoldMs);
    const gate = new DecodeGate();
    const firstWords = new FirstWordsYield(gate, config.firstWordsHoldMs, inTurns(config, llama));
    const context = await model.createContext({
      contextSize,
      sequences,
      threads,
      batchSize: Math.min(512, contextSize),
      batching: {
        dispatchSchedule: (dispatch) => gate.schedule(dispatch),
        itemPrioritizationStrategy: liveFirstStrategy({
          prefillChunkTokens: config.prefillChunkTokens,
          batchChunkTokens: config.batchChunkTokens,
          batchBesideLiveTokens: config.batchBesideLiveTokens,
          liveBusy: () => (liveSlots?.inUse ?? 0) > 0,
          batchBesideCallsTokens: config.batchBesideCallsTokens,
          callsConnected: () => calls.connected > 0,
          batchHeld: () => calls.holds.held,
          firstInLine: () => firstWords.firstInLine(),
          waiting: () => gate.retrySoon(),
        }),
      },
    });
    // Resolved once: detecting the chat format renders the model's template several times (about a second).
    const chatWrapper = resolveChatWrapper(model);
    const chats = (n: number) =>
      Array.from(
        { length: n },
        () => new LlamaChat({ contextSequence: context.getSequence(), autoDisposeSequence: true, chatWrapper }),
      );
    const info: EngineInfo = {
      kind: "llm",
      engine: ref.model.engine,
      modelId: ref.model.id,
      loadMs: performance.now() - started,
    };
    const states = config.promptStates > 0 ? new PromptStates(config.promptStates) : null;
    return new LlamaEngine(
      llama,
      model,
      context,
      (liveSlots = new SlotPool(chats(config.parallel))),
      new SlotPool(chats(config.batchParallel)),
      config,
      info,
      chatWrapper,
      states,
      firstWords,
      calls,
    );
  }

  get contextSize(): number {
    return this.context.contextSize;
  }

  get maxTokens(): number {
    return this.defaults.maxTokens;
  }

  countTokens(messages: ChatMessage[], tools?: ToolSpec[]): number {
    return countHistoryTokens(
      this.chatWrapper,
      this.model.tokenizer,
      toLlamaHistory(messages),
      tools?.length ? toFunctions(tools) : undefined,
    );
  }

  /**
   * Evaluates the opening every conversation with these messages and tools
   * shares (an agent's system prompt and tool documentation) and keeps its KV
   * state, so a call's first turn starts from it instead of prefilling it
   * (seconds on CPU). Called for each agent when the server starts.
   */
  async prepare(messages: ChatMessage[], tools: ToolSpec[], signal: AbortSignal): Promise<void> {
    if (!this.states) return;
    const functions = tools.length ? toFunctions(tools) : undefined;
    const render = (text: string) => this.render([...messages, { role: "user", content: text }], functions);
    // What a conversation's first prompt always starts with: where two different first questions part.
    const opening = render("a").slice(0, sharedPrefix(render("a"), render("b")));
    if (this.states.best(opening).shared >= opening.length || !this.states.wants(opening)) return;
    const chat = await this.liveSlots.acquire(undefined, signal);
    try {
      await chat.sequence.clearHistory();
      await chat.sequence.evaluateWithoutGeneratingNewTokens(opening, { evaluationPriority: LIVE_PRIORITY });
      await this.states.save(chat.sequence);
    } finally {
      this.liveSlots.release(chat);
    }
  }

  /**
   * A throwaway live reply of a few tokens, through the path a caller's first turn takes (the saved opening loaded,
   * the new words evaluated, tokens sampled), so that path's first-run costs are paid at start. Its waits and token
   * gaps are then forgotten: admission and /metrics see no load from it.
   */
  async warmUp(messages: ChatMessage[], tools: ToolSpec[], signal: AbortSignal): Promise<void> {
    for await (const delta of this.chat(messages, { signal, maxTokens: 4, ...(tools.length ? { tools } : {}) }))
      if (delta.type === "done") break;
    this.load = new LlmLoad();
  }

  async prefill(messages: ChatMessage[], options: PrefillOptions): Promise<number> {
    const key = options.sessionKey;
    // A reply or read-ahead of this conversation is under way: its prompt is newer than ours, or will be.
    if (options.signal.aborted || this.order.busy(key)) return 0;
    if (this.anotherTurnEnding(key)) return 0;
    const leave = await this.order.enter(key);
    const chat = this.liveSlots.tryAcquire(key);
    if (!chat) {
      leave();
      return 0;
    }
    try {
      const functions = options.tools?.length ? toFunctions(options.tools) : undefined;
      const tokens = this.settledPrefix(messages, functions);
      if (this.states && !this.liveSlots.resumed(chat)) await this.states.restore(chat.sequence, tokens).catch(() => 0);
      // Keep what the slot holds of these tokens (the call's earlier turns), drop what departs from them.
      await chat.sequence.adaptStateToTokens(tokens, false);
      const rest = tokens.slice(chat.sequence.nextTokenIndex);
      if (rest.length === 0 || options.signal.aborted || this.anotherTurnEnding(key)) return 0;
      await chat.sequence.evaluateWithoutGeneratingNewTokens(rest, { evaluationPriority: LIVE_PRIORITY });
      return rest.length;
    } finally {
      this.liveSlots.release(chat);
      leave();
    }
  }

  /**
   * Reads a batch prompt into its sequence `batchChunkTokens` at a time, each
   * piece awaited on its own. node-llama-cpp's decode loop holds the context's
   * lock for as long as any evaluation is queued (it queues a prompt in pieces
   * of the batch size, 512), and a live reply needs that lock before it starts
   * (loading the agent's saved opening, fitting its sequence to the prompt).
   * Behind a voicemail's 512-token piece, read 32 tokens a step, a caller
   * waited 2.5-4 s for the first word on load-small (0.3-0.55 s with no batch
   * work); read in awaited pieces, 0.7-1.4 s. Between two pieces the loop
   * lets go, and the live reply goes first.
   */
  private async readInSteps(
    chat: LlamaChat,
    messages: ChatMessage[],
    functions: ChatModelFunctions | undefined,
    signal: AbortSignal,
  ): Promise<void> {
    const tokens = this.settledPrefix(messages, functions);
    // A prompt that does not fit is generateResponse's to shorten (its context shift): read nothing ahead of it.
    if (tokens.length + this.defaults.maxTokens >= this.context.contextSize) return;
    await chat.sequence.adaptStateToTokens(tokens, false);
    for (let at = chat.sequence.nextTokenIndex; at < tokens.length && !signal.aborted;) {
      const piece = tokens.slice(at, at + this.defaults.batchChunkTokens);
      await chat.sequence.evaluateWithoutGeneratingNewTokens(piece, { evaluationPriority: BATCH_PRIORITY });
      at += piece.length;
    }
  }

  /**
   * The prompt's tokens that stay the same however the last message goes
   * on: rendered once as it is and once with more words after it, they agree
   * up to where its text ends; the last token before that is left out too,
   * since the next words may merge into it ("book" becoming "booking").
   */
  private settledPrefix(messages: ChatMessage[], functions: ChatModelFunctions | undefined): Token[] {
    const last = messages.at(-1);
    const now = this.render(messages, functions);
    if (!last) return now;
    const longer = this.render([...messages.slice(0, -1), { ...last, content: `${last.content} and more` }], functions);
    return now.slice(0, Math.max(0, sharedPrefix(now, longer) - 1));
  }

  /** Saved prompt states (diagnostics, tests). */
  get promptStates(): number {
    return this.states?.size ?? 0;
  }

  private render(messages: ChatMessage[], functions: ChatModelFunctions | undefined): Token[] {
    return historyTokens(this.chatWrapper, this.model.tokenizer, toLlamaHistory(messages), functions);
  }

  /** Waiting live conversations (all live sequences busy): a saturation signal for metrics. */
  get queued(): number {
    return this.liveSlots.waiting;
  }

  get liveQueueDelayMs(): number {
    return this.load.queueDelayMs;
  }

  /** The parts of the live queueing delay, and the live calls connected (metrics, diagnostics). */
  loadSnapshot(): ReturnType<LlmLoad["snapshot"]> & {
    queuedLive: number;
    queuedBatch: number;
    liveCalls: number;
    batchHeld: boolean;
    batchHoldsTaken: number;
  } {
    return {
      ...this.load.snapshot(),
      queuedLive: this.liveSlots.waiting,
      queuedBatch: this.batchSlots.waiting,
      liveCalls: this.calls.connected,
      batchHeld: this.calls.holds.held,
      batchHoldsTaken: this.calls.holds.taken,
    };
  }

  async *chat(messages: ChatMessage[], options: ChatOptions): AsyncIterable<LlmDelta> {
    const started = performance.now();
    const live = (options.priority ?? "live") === "live";
    const pool = live ? this.liveSlots : this.batchSlots;
    // Before anything is taken (a slot, the conversation's turn): a schema llama.cpp cannot compile fails here alone.
    const grammar = options.schema ? await this.grammarFor(options.schema) : undefined;
    const reply = live ? this.firstWords.begin(options.sessionKey) : null;
    // After the conversation's earlier work (a discarded speculative reply, a read-ahead) so its slot comes back.
    const leave = await this.order.enter(options.sessionKey);
    let chat: LlamaChat;
    try {
      chat = await pool.acquire(options.sessionKey, options.signal);
    } catch (err) {
      reply?.end();
      leave();
      throw err;
    }
    if (live) this.load.slotWaited(performance.now() - started);
    reply?.bind(chat.sequence.tokenMeter);
    const deltas = new Channel<LlmDelta>();
    let firstTokenAt: number | null = null;
    let lastTokenAt: number | null = null;
    let holdsAtLastToken = this.firstWords.holds;
    const meterBefore = chat.sequence.tokenMeter.getState();
    const functions = !grammar && options.tools?.length ? toFunctions(options.tools) : undefined;
    // A shared opening already evaluated (the agent's prompt and tools): load it rather than prefill it again. A
    // conversation back on its own sequence already holds its opening, so its later turns skip the rendering
    // (a few ms of tokenizing on the event loop per turn).
    const prompt = this.states && !grammar && !pool.resumed(chat) ? this.render(messages, functions) : null;
    if (prompt) await this.states?.restore(chat.sequence, prompt).catch(() => 0);
    if (live) this.load.generating++;
    // Batch work reads its prompt in short awaited pieces first (see readInSteps); generateResponse then finds it read.
    const run = (live ? Promise.resolve() : this.readInSteps(chat, messages, functions, options.signal))
      .then(() =>
        chat.generateResponse(toLlamaHistory(messages), {
          signal: options.signal,
          stopOnAbortSignal: false,
          evaluationPriority: live ? LIVE_PRIORITY : BATCH_PRIORITY,
          maxTokens: options.maxTokens ?? this.defaults.maxTokens,
          temperature: options.temperature ?? this.defaults.temperature,
          onToken: () => {
            const now = performance.now();
            // A gap across a first-words pause is not a slow step: the load measure (admission) skips it.
            const paused = this.firstWords.holds !== holdsAtLastToken;
            if (live && lastTokenAt !== null && !paused) this.load.tokenGap(now - lastTokenAt);
            lastTokenAt = now;
            holdsAtLastToken = this.firstWords.holds;
          },
          onTextChunk: (text) => {
            firstTokenAt ??= performance.now();
            deltas.push({ type: "text", text });
          },
          contextShift: { strategy: dropOldestItemsStrategy(functions) },
          ...(grammar ? { grammar } : functions ? { functions } : {}),
        }),
      )
      .then((res) => {
        // Its decoding is over: the reply next in line does not wait for the opening saved below.
        reply?.end();
        for (const call of res.functionCalls ?? []) {
          firstTokenAt ??= performance.now();
          deltas.push({
            type: "tool_call",
            call: {
              id: `call_${randomUUID().slice(0, 8)}`,
              name: call.functionName,
              arguments: (call.params ?? {}) as Record<string, unknown>,
            },
          });
        }
        const used = chat.sequence.tokenMeter.diff(meterBefore);
        const usage: LlmUsage = {
          promptTokens: used.usedInputTokens,
          completionTokens: used.usedOutputTokens,
          firstTokenMs: firstTokenAt === null ? null : firstTokenAt - started,
          totalMs: performance.now() - started,
        };
        const reason = res.metadata.stopReason;
        deltas.push({
          type: "done",
          stopReason:
            reason === "functionCalls"
              ? "tool_calls"
              : reason === "maxTokens"
                ? "length"
                : reason === "abort"
                  ? "abort"
                  : "stop",
          usage,
        });
        deltas.close();
      })
      // The first conversation with an opening nobody prepared leaves it for the next ones (before the slot is
      // released, while the sequence holds exactly what it evaluated).
      .then(() => (prompt && this.states?.wants(prompt) ? this.states.save(chat.sequence) : undefined))
      .catch((err: unknown) =>
        deltas.fail(isAbortError(err) || options.signal.aborted ? new AbortError(options.signal.reason) : err),
      )
      .finally(() => {
        if (live) this.load.generating--;
        reply?.end();
        pool.release(chat);
        leave();
      });
    try {
      for await (const delta of deltas) {
        if (options.signal.aborted) throw new AbortError(options.signal.reason);
        yield delta;
      }
    } finally {
      await run;
    }
  }

  yieldToSpeech(sessionKey: string, speaking: Promise<unknown>): boolean {
    return this.firstWords.yieldTo(sessionKey, speaking);
  }

  liveCall(): () => void {
    return this.calls.open();
  }

  /**
   * Another caller has paused and their turn may be ending (their batch hold is on): a read-ahead waits for the next
   * words. Its step would go before their reply's prompt if it started first, and a call's first read-ahead loads
   * the saved opening (about 100 ms on `load-small`) holding the whole context, every call's decoding with it.
   */
  private anotherTurnEnding(sessionKey: string): boolean {
    return this.calls.holds.heldByOthers(sessionKey);
  }

  holdBatch(sessionKey: string): () => void {
    return this.defaults.batchHoldMs > 0 ? this.calls.holds.hold(sessionKey) : () => {};
  }

  private grammarFor(schema: JsonSchema): Promise<LlamaGrammar> {
    const key = JSON.stringify(schema);
    let grammar = this.grammars.get(key);
    if (!grammar) {
      grammar = this.llama.createGrammarForJsonSchema(
        schema as Parameters<Llama["createGrammarForJsonSchema"]>[0],
      ) as Promise<LlamaGrammar>;
      this.grammars.set(key, grammar);
    }
    return grammar;
  }

  async dispose(): Promise<void> {
    this.firstWords.release();
    await this.states?.dispose();
    await this.context.dispose();
    await this.model.dispose();
  }
}
