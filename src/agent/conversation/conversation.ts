import type { ChatMessage } from "../../engines/types.js";
import { childController } from "../../lib/abort.js";
import { Channel } from "../../lib/channel.js";
import { describeError, isAbortError } from "../../lib/errors.js";
import { ToolSet, type AfterTurn } from "../tools/index.js";
import { runAgentTurn, type AgentTurnResult } from "./agent-turn.js";
import { isBackchannel } from "./backchannel.js";
import { ContextWindow } from "./context-window.js";
import type { DtmfCollector } from "./dtmf-collector.js";
import { keypadInput } from "./keypad-input.js";
import { KeypadSecrets } from "./keypad-secrets.js";
import { Listener, type Utterance } from "./listener.js";
import { FailureStreak, readOfferAnswer } from "./message-offer.js";
import { playedPart, Speaker, voiceOf, type Utterance as SpokenText } from "./speaker.js";
import type { CacheUse } from "../../engines/tts/cache/index.js";
import { ReadAhead } from "./read-ahead.js";
import { TurnBatchHold } from "./turn-batch-hold.js";
import { Speculation } from "./speculation.js";
import { systemMessage } from "./system-message.js";
import type { ConversationDeps } from "./conversation-deps.js";
import { agentTurnRecord, emptyTurn } from "./turn-results.js";
import {
  type ActiveTurn,
  CUT_TURN_WAIT_MS,
  type ConversationEvent as Event,
  nextTurnDone,
} from "./conversation-events.js";
import type { LiveTurnSettings } from "../turn-taking/settings.js";
import { failureOf, TurnStageError } from "./turn-failure.js";
import type { ConversationOutcome, ConversationResult, TurnRecord } from "./types.js";

export type { ConversationDeps } from "./conversation-deps.js";

const BARGE_TEXT_WAIT_MS = 400; // speech over the agent with no words yet: wait this much longer for some
/** The LLM's live queueing delay (LlmEngine.liveQueueDelayMs) above which no reply starts at an early question. */
const EARLY_SPECULATION_MAX_LLM_DELAY_MS = 20;

/**
 * A live conversation: greets, listens, answers through the LLM and TTS,
 * lets the caller interrupt (barge-in), runs tools, reprompts on silence and
 * ends politely. Driven by one event queue, so every decision happens in one
 * place and in order. Knows nothing of SIP or RTP (see CallAudio, CallControl).
 */
export class Conversation {
  private readonly events = new Channel<Event>();
  private readonly history: ChatMessage[] = [];
  private readonly turns: TurnRecord[] = [];
  private readonly speaker: Speaker;
  private readonly listener: Listener;
  private readonly tools: ToolSet;
  private readonly dtmfCollector: DtmfCollector;
  private readonly keyed = new KeypadSecrets();
  private active: ActiveTurn | null = null;
  private bargeWatchSince: number | null = null;
  private silenceTimer: NodeJS.Timeout | null = null;
  private reprompted = false;
  private bargeIns = 0;
  private outcome: ConversationOutcome | null = null;
  private readonly window: ContextWindow;
  private readonly failures: FailureStreak;
  /** The message offer was made and the caller's answer is awaited. */
  private offering = false;
  private readonly turnSettings: LiveTurnSettings;
  /** The speculative reply for the caller's turn in progress, if one was started. */
  private spec: Speculation | null = null;
  /** Reads the caller's words into the LLM while they speak (settings.readAhead). */
  private readAhead: ReadAhead | null = null;
  /** The hold on the LLM's batch work, from the caller's pause until the reply they hear has its first words. */
  private readonly batchHold = new TurnBatchHold(() => this.d.engines.llm.holdBatch?.(this.d.callId) ?? null);
  /** Speculative replies discarded during the caller's turn in progress. */
  private discarded = 0;
  /** The speaker of the last kept speculative reply: the echo gate hears its level too. */
  private keptSpeaker: Speaker | null = null;

  constructor(private readonly d: ConversationDeps) {
    this.speaker = new Speaker(d.engines.tts, d.audio, voiceOf(d.agent), d.phrases ?? null);
    this.tools = new ToolSet(d.agent);
    this.window = new ContextWindow(d.engines.llm, this.tools.specs);
    this.failures = new FailureStreak(d.agent.live.messageOfferAfter);
    this.history.push(systemMessage(d.agent));
    const t = (this.turnSettings = d.turn ?? {
      detector: null,
      askAfterMs: null,
      earlyPauseMs: 0,
      endpointSilenceMs: d.agent.live.endpointSilenceMs,
      threshold: 0.5,
      speculative: false,
      speculateEarly: false,
      readAhead: false,
    });
    this.listener = new Listener(
      d.engines.vad,
      d.engines.asrStreaming,
      {
        endpointSilenceMs: t.endpointSilenceMs,
        turnModel:
          t.detector && t.askAfterMs !== null
            ? { detector: t.detector, askAfterMs: t.askAfterMs, earlyPauseMs: t.earlyPauseMs, threshold: t.threshold }
            : null,
        echoMarginDb: d.echoMarginDb,
        agentLevel: () => ({
          playing: d.audio.playing,
          levelDb: Math.max(this.speaker.levelDb, this.keptSpeaker?.levelDb ?? -120),
        }),
        inputDelayMs: () => d.audio.inputDelayMs ?? 0,
      },
      {
        speechStart: (at) => this.events.push({ type: "speech-start", at }),
        speechEnd: () => undefined,
        text: (text) => this.events.push({ type: "text", text }),
        utterance: (u) => this.events.push({ type: "utterance", u, source: "speech" }),
        pause: (text, early) => this.events.push({ type: "pause", text, early }),
        resume: () => this.events.push({ type: "resume" }),
        lateText: (text) => this.events.push({ type: "late-text", text }),
        modelError: (err) =>
          d.logger.warn(
            { callId: d.callId, err: describeError(err) },
            "turn model failed: this call ends turns on silence alone",
          ),
      },
    );
    this.dtmfCollector = keypadInput(d, this.keyed, (e) =>
      this.events.push({ type: "utterance", source: "dtmf", ...e }),
    );
  }

  /** A keypad digit from the call (RFC 4733). Interrupts the agent at once. */
  dtmf(digit: string): void {
    if (this.active) this.bargeIn();
    this.dtmfCollector.push(digit);
  }

  /** Runs until the call ends (the signal) or the conversation ends it (hang-up, transfer, message, timeouts). */
  async run(signal: AbortSignal): Promise<ConversationResult> {
    const life = childController(signal);
    const listening = this.listener.run(this.d.audio.frames, life.signal).catch((err: unknown) => {
      if (!isAbortError(err)) this.d.logger.error({ err: describeError(err) }, "listener failed");
    });
    const maxTimer = setTimeout(() => this.events.push({ type: "max-duration" }), this.d.agent.live.maxCallMs);
    if (this.turnSettings.readAhead)
      this.readAhead = new ReadAhead(
        this.d.engines.llm,
        this.window,
        this.tools.specs,
        this.d.callId,
        life.signal,
        (err) => this.d.logger.warn({ callId: this.d.callId, err: describeError(err) }, "reading ahead failed"),
      );
    // While the call is up, batch work on the LLM keeps its steps short: this caller's turn may end at any moment.
    const disconnect = this.d.engines.llm.liveCall?.(this.d.callId);
    const stop = () => this.events.push({ type: "ended" });
    life.signal.addEventListener("abort", stop, { once: true });
    try {
      this.startScripted(this.d.agent.live.greeting, "greeting");
      for (;;) {
        const e = await this.events.next();
        if (e === undefined || e.type === "ended" || this.outcome !== null) break;
        await this.handle(e);
        if (this.outcome !== null) break;
      }
    } finally {
      clearTimeout(maxTimer);
      this.clearSilence();
      this.dtmfCollector.stop();
      this.spec?.discard();
      const cut = this.active;
      cut?.controller.abort();
      life.abort();
      disconnect?.();
      this.batchHold.end();
      // A reply the end of the call cut off (the caller hung up while it played) is recorded as any interrupted one.
      if (cut) await this.recordCutTurn();
      this.events.close();
      await listening;
    }
    return {
      outcome: this.outcome ?? "caller_hangup",
      turns: this.turns,
      history: this.history,
      bargeIns: this.bargeIns,
    };
  }

  private async handle(e: Event): Promise<void> {
    switch (e.type) {
      case "speech-start":
        // The caller goes on: a reply started on their words so far is stale.
        this.batchHold.end();
        this.discardSpeculation();
        this.clearSilence();
        if (this.active && this.bargeWatchSince === null) {
          this.bargeWatchSince = e.at;
          setTimeout(() => this.events.push({ type: "barge-check" }), this.d.agent.live.bargeInMinMs);
        }
        return;
      case "text":
        this.considerBargeIn();
        this.readCallerWords(e.text);
        return;
      case "barge-check":
        this.considerBargeIn();
        return;
      case "pause":
        this.holdBatch();
        // At the early question the reply runs beside the turn model and may be thrown away (a pause mid-sentence,
        // words still coming): only where the agent asks for it, and while the LLM has room.
        if (e.early && !this.earlySpeculation()) return;
        this.speculate(e.text);
        return;
      case "resume":
        this.batchHold.end();
        this.discardSpeculation(); // the caller went on after an early pause: a reply on their words so far is stale
        return;
      case "late-text":
        this.amendLastUserTurn(e.text);
        return;
      case "utterance":
        return this.onUtterance(e.u, e.source, e.digits, e.recorded);
      case "turn-done":
        this.batchHold.end();
        return this.onTurnDone(e.result, e.source, e.u);
      case "silence":
        return await this.onSilence();
      case "max-duration":
        this.d.logger.info({ callId: this.d.callId }, "maximum call duration reached");
        if (this.active) this.bargeIn();
        await this.finish(this.d.agent.live.goodbye, "max_duration");
        return;
    }
  }

  /** Speech over the agent interrupts it once it has lasted bargeInMinMs, unless it is only a backchannel ("mhm"). */
  private considerBargeIn(): void {
    if (!this.active || this.bargeWatchSince === null) return;
    const lasted = performance.now() - this.bargeWatchSince;
    if (lasted < this.d.agent.live.bargeInMinMs) return;
    const text = this.listener.pendingText;
    if (text && isBackchannel(text, this.d.agent.live.backchannels)) return;
    if (!text && lasted < this.d.agent.live.bargeInMinMs + BARGE_TEXT_WAIT_MS) {
      setTimeout(() => this.events.push({ type: "barge-check" }), BARGE_TEXT_WAIT_MS);
      return;
    }
    if (!text && !this.listener.inSpeech) {
      this.bargeWatchSince = null; // a noise burst that ended without words
      return;
    }
    this.bargeIn();
  }

  private bargeIn(): void {
    if (!this.active) return;
    this.bargeIns++;
    // Playback stops within a frame; LLM and TTS work for the turn is cancelled through its signal.
    this.d.audio.clearPlayback();
    this.active.controller.abort(new Error("barge-in"));
    this.bargeWatchSince = null;
  }

  private async onUtterance(
    u: Utterance,
    source: "speech" | "dtmf",
    digits?: string,
    recorded?: string,
  ): Promise<void> {
    this.readAhead?.cancel();
    const spec = this.spec;
    this.spec = null;
    if (spec && (this.active || source !== "speech" || !spec.matches(u.text))) this.discardSpeculation(spec);
    if (this.active) {
      // Heard while the agent was still talking and not taken as a barge-in: a backchannel, dropped.
      if (source === "speech" && isBackchannel(u.text, this.d.agent.live.backchannels)) return;
      this.bargeIn();
      await this.waitForTurnToSettle();
    }
    this.clearSilence();
    this.reprompted = false;
    this.record({ role: "user", text: recorded ?? u.text, source, at: Date.now() });
    this.history.push({ role: "user", content: u.text });
    if (this.offering) {
      this.offering = false;
      const answer = readOfferAnswer(
        { text: u.text, ...(digits !== undefined ? { digits } : {}) },
        this.d.agent.language,
      );
      this.d.logger.info({ callId: this.d.callId, answer }, "answer to the message offer");
      if (answer === "yes") return this.afterTurn({ type: "take-message" });
      if (answer === "no") {
        this.failures.reset();
        this.startScripted(this.d.agent.live.messageOfferDeclined, "fallback");
        return;
      }
      // Anything else is an ordinary turn: the caller moved on.
    }
    if (spec?.state === "pending") return this.keepSpeculation(spec, u);
    this.startLlmTurn(u);
  }

  /** The caller's words so far, read into the LLM while they go on (not while the agent speaks: they may barge in). */
  private readCallerWords(text: string): void {
    if (!this.readAhead || this.active || this.spec || this.offering || this.outcome !== null) return;
    this.readAhead.read([...this.history, { role: "user", content: text }]);
  }

  /**
   * The caller paused and their turn may be ending: batch work on the LLM waits until the reply they hear has its
   * first words in audio, or the caller goes on, so the turn model, the recogniser and the reply have the cores.
   */
  private holdBatch(): void {
    if (this.active || this.outcome !== null) return;
    this.batchHold.hold();
  }

  /** The caller paused with words in hand: start the reply on them, its audio held until the turn is over. */
  private speculate(text: string): void {
    if (!this.turnSettings.speculative || this.active || this.offering || this.outcome !== null) return;
    if (this.spec?.matches(text)) return; // already under way on these words
    this.discardSpeculation();
    const spec = new Speculation(text, this.d.engines.tts, this.d.audio, voiceOf(this.d.agent), this.d.phrases ?? null);
    const offersMessage = this.failures.offerOnNextFailure;
    const deps = {
      ...this.turnDeps(offersMessage, spec.speaker),
      untilKept: spec.kept,
      firstWords: (audio: Promise<unknown>) => spec.firstWords(audio),
    };
    spec.offersMessage = offersMessage;
    spec.result = runAgentTurn(deps, [...this.history, { role: "user", content: text }], spec.controller.signal).catch(
      (err: unknown) => ({ ...emptyTurn(false), failure: failureOf(new TurnStageError("internal", err)) }),
    );
    void spec.result.then((result) => {
      spec.done = result;
      if (spec.state === "kept" && spec.utterance)
        this.events.push({ type: "turn-done", result, source: "speech", u: spec.utterance });
    });
    this.spec = spec;
  }

  private earlySpeculation(): boolean {
    return (
      this.turnSettings.speculateEarly && this.d.engines.llm.liveQueueDelayMs <= EARLY_SPECULATION_MAX_LLM_DELAY_MS
    );
  }

  /** The final transcript has the speculative reply's words: it becomes this turn's reply, and its audio plays. */
  private keepSpeculation(spec: Speculation, u: Utterance): void {
    this.active = { controller: spec.controller, source: "speech", offersMessage: spec.offersMessage };
    this.bargeWatchSince = null;
    this.keptSpeaker = spec.speaker;
    spec.utterance = { ...u, speculation: { kept: true, discarded: this.discarded } };
    this.discarded = 0;
    spec.keep();
    this.batchHold.endWhenAudio(spec.firstWordsHeard);
    if (spec.done) this.events.push({ type: "turn-done", result: spec.done, source: "speech", u: spec.utterance });
  }

  private discardSpeculation(spec: Speculation | null = this.spec): void {
    if (!spec || spec.state !== "pending") return;
    if (spec === this.spec) this.spec = null;
    spec.discard();
    this.discarded++;
  }

  /** Words the recogniser delivered after their turn was taken: the history gets the whole sentence. */
  private amendLastUserTurn(text: string): void {
    for (let i = this.history.length - 1; i >= 0; i--) {
      const m = this.history[i]!;
      if (m.role !== "user") continue;
      this.history[i] = { role: "user", content: `${m.content} ${text}` };
      return;
    }
  }

  private startLlmTurn(u: Utterance): void {
    const controller = new AbortController();
    const offersMessage = this.failures.offerOnNextFailure;
    this.active = { controller, source: "speech", offersMessage };
    this.bargeWatchSince = null;
    if (this.discarded > 0) u = { ...u, speculation: { kept: false, discarded: this.discarded } };
    this.discarded = 0;
    const deps = {
      ...this.turnDeps(offersMessage, this.speaker),
      firstWords: (audio: Promise<unknown>) => this.batchHold.endWhenAudio(audio),
    };
    void runAgentTurn(deps, [...this.history], controller.signal).then(
      (result) => this.events.push({ type: "turn-done", result, source: "speech", u }),
      (err: unknown) => {
        // runAgentTurn handles its own failures; this is a bug, and the caller still must not be left in silence.
        this.d.logger.error({ callId: this.d.callId, err: describeError(err) }, "agent turn crashed");
        this.events.push({
          type: "turn-done",
          result: { ...emptyTurn(false), failure: failureOf(new TurnStageError("internal", err)) },
          source: "speech",
          u,
        });
      },
    );
  }

  private turnDeps(offersMessage: boolean, speaker: Speaker) {
    return {
      llm: this.d.engines.llm,
      speaker,
      tools: this.tools,
      toolContext: (signal: AbortSignal) => ({
        callId: this.d.callId,
        caller: this.d.caller,
        agent: this.d.agent,
        signal,
        history: () => this.history,
        services: this.d.toolServices,
      }),
      sessionKey: this.d.callId,
      fillerAfterMs: this.d.agent.live.fillerAfterMs,
      language: this.d.agent.language,
      filler: this.d.agent.live.filler,
      logger: this.d.logger,
      window: this.window,
      fallbackLine: offersMessage ? this.d.agent.live.messageOffer : this.d.agent.live.fallback,
      onFiller: () => this.record({ role: "agent", text: this.d.agent.live.filler, source: "filler", at: Date.now() }),
    };
  }

  /** Speaks fixed text (greeting, reprompt) as a turn that can be interrupted like any other. */
  private startScripted(text: string, source: TurnRecord["source"]): void {
    const controller = new AbortController();
    this.active = { controller, source };
    const u = this.say(text, controller.signal, this.phraseUse(source));
    void Promise.all([u.playback.done, u.firstAudio, u.playback.started ?? Promise.resolve(null), u.ttsError]).then(
      ([r, firstAudio, firstRtp, ttsError]) => {
        const spoken = playedPart(text, r.playedSamples, r.queuedSamples, r.completed);
        const failure = ttsError === undefined ? null : failureOf(new TurnStageError("tts", ttsError));
        const result: AgentTurnResult = {
          ...emptyTurn(!r.completed && !failure),
          spoken,
          messages: spoken ? [{ role: "assistant", content: spoken }] : [],
          ttsFirstAudioAt: firstAudio,
          firstRtpAt: firstRtp,
          failure,
        };
        this.events.push({ type: "turn-done", result, source, u: null });
      },
    );
  }

  private async onTurnDone(result: AgentTurnResult, source: TurnRecord["source"], u: Utterance | null): Promise<void> {
    const turn = this.active;
    this.active = null;
    this.bargeWatchSince = null;
    this.recordAgentTurn(result, source, u, turn);
    if (result.failure?.stage === "internal" && u !== null && !result.spoken) {
      this.startScripted(this.offering ? this.d.agent.live.messageOffer : this.d.agent.live.fallback, "fallback");
      return;
    }
    if (result.after) await this.afterTurn(result.after);
    else if (this.outcome === null) this.armSilence();
  }

  /** After the call ended with a turn under way (aborted): records its result when it comes in time; nothing follows. */
  private async recordCutTurn(): Promise<void> {
    const done = await nextTurnDone(this.events, CUT_TURN_WAIT_MS);
    if (!done) return;
    const turn = this.active;
    this.active = null;
    this.recordAgentTurn(done.result, done.source, done.u, turn);
  }

  /** Records an agent turn that has ended, and puts what was said of it in the history. */
  private recordAgentTurn(
    result: AgentTurnResult,
    source: TurnRecord["source"],
    u: Utterance | null,
    turn: ActiveTurn | null,
  ): void {
    this.history.push(...result.messages);
    if (u !== null) this.countFailures(result, turn?.offersMessage === true);
    this.record(agentTurnRecord(result, source, u));
  }

  /** LLM turns: failures in a row lead to the message offer; a turn the model answered starts the count again. */
  private countFailures(result: AgentTurnResult, offered: boolean): void {
    if (result.failure) {
      this.failures.failed();
      if (offered) this.offering = true;
      this.d.logger.warn(
        {
          callId: this.d.callId,
          stage: result.failure.stage,
          err: result.failure.message,
          inARow: this.failures.count,
          offered,
        },
        "turn failed; the caller heard the fallback line",
      );
    } else if (!result.interrupted) this.failures.reset();
  }

  private async afterTurn(after: AfterTurn): Promise<void> {
    if (after.type === "hangup") {
      this.outcome = after.outcome;
      await this.d.control.hangup(after.outcome);
    } else if (after.type === "transfer") {
      const r = await this.d.control
        .transfer(after.target)
        .catch((err: unknown) => ({ status: 500, reason: describeError(err) }));
      if (r.status >= 200 && r.status < 300) {
        this.outcome = "transferred";
        return;
      }
      this.d.logger.warn({ callId: this.d.callId, status: r.status, reason: r.reason }, "transfer failed");
      this.startScripted("I'm sorry, I could not put you through. How else can I help?", "speech");
    } else {
      this.outcome = "message_taken";
    }
  }

  private async onSilence(): Promise<void> {
    if (this.active || this.outcome !== null) return;
    if (this.offering) {
      // No answer to the offer: the line is not working for this caller, so the message is taken.
      this.offering = false;
      this.d.logger.info({ callId: this.d.callId, answer: "none" }, "answer to the message offer");
      return this.afterTurn({ type: "take-message" });
    }
    if (!this.reprompted) {
      this.reprompted = true;
      this.startScripted(this.d.agent.live.reprompt, "reprompt");
      return;
    }
    await this.finish(this.d.agent.live.goodbye, "silence_timeout");
  }

  /** What a scripted line is for the TTS cache, or null when it is made for this call (synthesised live). */
  private phraseUse(source: TurnRecord["source"]): CacheUse | null {
    if (source === "greeting") return this.d.greetingMadeForCall ? null : "greeting";
    return source === "fallback" ? "fallback" : "phrase";
  }

  /** Speaks fixed text; when the call's media is already closed the conversation is over (the caller is gone). */
  private say(text: string, signal: AbortSignal, use: CacheUse | null): SpokenText {
    const u = use ? this.speaker.sayPhrase(text, use, signal) : this.speaker.say(text, signal);
    if (u.mediaError !== undefined) {
      this.d.logger.info(
        { callId: this.d.callId, err: describeError(u.mediaError) },
        "the call's media closed; the conversation ends",
      );
      this.events.close();
    }
    return u;
  }

  /** Says goodbye and hangs up. */
  private async finish(goodbye: string, outcome: ConversationOutcome): Promise<void> {
    this.outcome = outcome;
    await this.waitForTurnToSettle();
    const u = this.say(goodbye, new AbortController().signal, "phrase");
    await u.playback.done;
    this.record({ role: "agent", text: goodbye, source: "goodbye", at: Date.now() });
    await this.d.control.hangup(outcome);
  }

  private armSilence(): void {
    this.clearSilence();
    this.silenceTimer = setTimeout(() => this.events.push({ type: "silence" }), this.d.agent.live.silenceTimeoutMs);
  }

  private clearSilence(): void {
    if (this.silenceTimer) clearTimeout(this.silenceTimer);
    this.silenceTimer = null;
  }

  /**
   * After a barge-in, waits for the interrupted turn's result, so what was
   * actually played is in the history before the caller's words. Other events
   * that arrive meanwhile are kept and handled afterwards, in order.
   */
  private async waitForTurnToSettle(): Promise<void> {
    const later: Event[] = [];
    while (this.active) {
      const e = await this.events.next();
      if (e === undefined) break;
      if (e.type === "ended") {
        later.push(e);
        break;
      }
      if (e.type === "turn-done") await this.onTurnDone(e.result, e.source, e.u);
      else later.push(e);
    }
    for (const e of later) this.events.push(e);
  }

  private record(turn: Omit<TurnRecord, "index">): void {
    // Digits keyed in a sensitive step are masked wherever the model repeated them (text, tool arguments).
    const t = this.keyed.mask({ index: this.turns.length, ...turn });
    this.turns.push(t);
    this.d.onTurn?.(t);
  }
}
