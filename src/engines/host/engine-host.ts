import type { Logger } from "../../lib/logger.js";
import type { ParleyConfig } from "../../config/index.js";
import { Gauge, type Registry } from "prom-client";
import { describeError, ParleyError } from "../../lib/errors.js";
import { createEngine, disposeEngineSet } from "../factory.js";
import type { ModelRef } from "../model-ref.js";
import type { ChatMessage, Engine, EngineSet, LlmEngine, ToolSpec, TtsEngine, TurnDetector } from "../types.js";
import { roleKinds, modelRoles, type ModelRole } from "../../models/catalog-schema.js";
import { EngineMetrics } from "./engine-metrics.js";
import { llamaRuntime } from "../llm/runtime.js";
import { warmUpLlm, warmUpTts, warmUpTurn } from "./warm-up.js";

/** The openings live conversations will share (each agent's system prompt and tools), evaluated once at start. */
export type SharedPrompts = () => { messages: ChatMessage[]; tools: ToolSpec[] }[];

/** Engines an agent of a language uses instead of the base ones (a profile's `languages` entries), by base subtag. */
export type LanguageRefs = Record<string, Partial<Record<ModelRole, ModelRef>>>;

export type EngineStatus = "missing" | "pending" | "loading" | "ready" | "failed";

export interface RoleState {
  role: ModelRole;
  modelId: string;
  status: EngineStatus;
  loadMs?: number;
  error?: string;
  /** Set for a language entry's engine (it serves agents of this language only). */
  language?: string;
}

/**
 * Owns the profile's engines for a running server: loads them in the
 * background (the HTTP server is up meanwhile, answering /readyz with 503 and
 * what is still loading), exposes them once ready, and disposes them on stop.
 */
export class EngineHost {
  private readonly states = new Map<ModelRole, RoleState>();
  private readonly loaded: Partial<Record<ModelRole, Engine>> = {};
  /** Language entries: their states and engines, by base language subtag. */
  private readonly languageStates: RoleState[] = [];
  private readonly byLanguage = new Map<string, Partial<Record<ModelRole, Engine>>>();
  private turn: TurnDetector | null = null;
  /** The turn model was loaded, or found missing or broken: calls from here on all get the same answer. */
  private turnSettled = false;
  private loading: Promise<void> | null = null;
  private readonly onChange: (s: RoleState) => void;
  private readonly metrics: EngineMetrics;

  constructor(
    private readonly refs: Partial<Record<ModelRole, ModelRef>>,
    missing: { role: ModelRole; modelId: string }[],
    private readonly config: ParleyConfig,
    private readonly logger: Logger,
    registry: Registry,
    private readonly sharedPrompts: SharedPrompts = () => [],
    /** The profile's end-of-turn model (optional: without it calls end turns on silence alone). */
    private readonly turnModel: { ref: ModelRef } | { missing: string } | null = null,
    private readonly languageRefs: LanguageRefs = {},
  ) {
    for (const [language, roles] of Object.entries(languageRefs))
      for (const role of modelRoles) {
        const ref = roles[role];
        if (ref) this.languageStates.push({ role, modelId: ref.model.id, status: "pending", language });
      }
    for (const role of modelRoles) {
      const ref = refs[role];
      if (ref) this.states.set(role, { role, modelId: ref.model.id, status: "pending" });
    }
    for (const m of missing) this.states.set(m.role, { role: m.role, modelId: m.modelId, status: "missing" });
    this.metrics = new EngineMetrics(registry);
    const ready = new Gauge({
      name: "parley_engine_ready",
      help: "1 when the engine of a role is loaded and serving",
      labelNames: ["role", "model"],
      registers: [registry],
    });
    const loadSeconds = new Gauge({
      name: "parley_engine_load_seconds",
      help: "Time the engine took to load",
      labelNames: ["role", "model"],
      registers: [registry],
    });
    this.onChange = (s) => {
      ready.set({ role: s.role, model: s.modelId }, s.status === "ready" ? 1 : 0);
      if (s.loadMs !== undefined) loadSeconds.set({ role: s.role, model: s.modelId }, s.loadMs / 1000);
    };
    for (const s of this.states.values()) this.onChange(s);
  }

  /** Starts loading every installed engine; resolves when all have loaded or failed. */
  start(): Promise<void> {
    this.loading ??= this.loadAll();
    return this.loading;
  }

  private async loadAll(): Promise<void> {
    await this.startLlamaRuntime();
    // One at a time: loading is disk and memory heavy, and the first error is the clearest.
    for (const role of ["vad", "asrStreaming", "asrBatch", "tts", "llm"] as const) {
      const ref = this.refs[role];
      if (!ref) continue;
      this.update(role, { status: "loading" });
      try {
        const engine = await createEngine(roleKinds[role], ref, this.config);
        // The LLM counts as loaded once the agents' prompts are evaluated: before that a call's first turn
        // would prefill them itself (seconds on CPU).
        if (role === "llm") {
          await this.prepare(engine as LlmEngine);
          await this.warmUp("llm", (signal) => warmUpLlm(engine as LlmEngine, this.sharedPrompts()[0], signal));
        }
        if (role === "tts") await this.warmUp("tts", (signal) => warmUpTts(engine as TtsEngine, signal));
        this.loaded[role] = this.metrics.instrument(role, engine);
        this.update(role, { status: "ready", loadMs: Math.round(engine.info.loadMs) });
        this.logger.info({ role, model: ref.model.id, loadMs: Math.round(engine.info.loadMs) }, "engine loaded");
      } catch (err) {
        this.update(role, { status: "failed", error: describeError(err) });
        this.logger.error({ role, model: ref.model.id, err: describeError(err) }, "engine failed to load");
      }
    }
    await this.loadTurn();
    for (const s of this.languageStates) await this.loadLanguageEngine(s);
  }

  /**
   * node-llama-cpp starts its runtime by testing its binary in a forked child. After a fork, the first write to each
   * page of the server faults once more, and a warmed engine is slow again: on `load-small`, a TTS voice warmed
   * before the LLM loaded took 580-770 ms for its next sentence instead of about 100 (and the first caller after a
   * restart heard the agent 300-500 ms later). So the runtime starts before any engine loads; a runtime that fails
   * to start is left to the LLM's own load, which reports it.
   */
  private async startLlamaRuntime(): Promise<void> {
    if (this.refs.llm?.model.engine !== "llama-cpp") return;
    const started = performance.now();
    await llamaRuntime(this.config.engines.llm.gpu).then(
      () => this.logger.info({ ms: Math.round(performance.now() - started) }, "llama.cpp runtime started"),
      () => undefined,
    );
  }

  /** One engine of a language entry: it stands in for the base role's engine for that language's agents. */
  private async loadLanguageEngine(s: RoleState): Promise<void> {
    const language = s.language as string;
    const ref = this.languageRefs[language]?.[s.role];
    if (!ref) return;
    s.status = "loading";
    try {
      const engine = await createEngine(roleKinds[s.role], ref, this.config);
      if (s.role === "tts") await this.warmUp(`tts:${language}`, (signal) => warmUpTts(engine as TtsEngine, signal));
      const engines = this.byLanguage.get(language) ?? {};
      engines[s.role] = this.metrics.instrument(s.role, engine);
      this.byLanguage.set(language, engines);
      Object.assign(s, { status: "ready", loadMs: Math.round(engine.info.loadMs) });
      this.logger.info({ role: s.role, language, model: ref.model.id, loadMs: s.loadMs }, "engine loaded");
    } catch (err) {
      Object.assign(s, { status: "failed", error: describeError(err) });
      this.logger.error(
        { role: s.role, language, model: ref.model.id, err: describeError(err) },
        "engine failed to load",
      );
    }
  }

  /**
   * The turn model is optional: one that is missing or fails to load leaves calls ending turns on silence alone
   * (said once, here), and the server is ready without it.
   */
  private async loadTurn(): Promise<void> {
    try {
      await this.loadTurnModel();
    } finally {
      this.turnSettled = true;
    }
  }

  private async loadTurnModel(): Promise<void> {
    const t = this.turnModel;
    if (t === null) {
      this.logger.info("the profile names no turn model: calls end turns on silence alone");
      return;
    }
    if ("missing" in t) {
      this.logger.warn(
        { model: t.missing },
        "turn model not installed: calls end turns on silence alone (parley models pull <profile> fetches it)",
      );
      return;
    }
    try {
      const engine = await createEngine("turn", t.ref, this.config);
      await this.warmUp("turn", (signal) => warmUpTurn(engine, signal));
      this.turn = engine;
      this.logger.info(
        { role: "turn", model: t.ref.model.id, loadMs: Math.round(engine.info.loadMs) },
        "engine loaded",
      );
    } catch (err) {
      this.logger.error(
        { role: "turn", model: t.ref.model.id, err: describeError(err) },
        "turn model failed to load: calls end turns on silence alone",
      );
    }
  }

  private async prepare(llm: LlmEngine): Promise<void> {
    if (!llm.prepare) return;
    const started = performance.now();
    const prompts = this.sharedPrompts();
    for (const p of prompts) {
      await llm.prepare(p.messages, p.tools, AbortSignal.timeout(120_000)).catch((err: unknown) => {
        this.logger.warn(
          { err: describeError(err) },
          "could not evaluate an agent's prompt ahead of calls; its first turns prefill it",
        );
      });
    }
    if (prompts.length > 0)
      this.logger.info(
        { agents: prompts.length, ms: Math.round(performance.now() - started) },
        "agent prompts evaluated ahead of calls",
      );
  }

  /** A first run at start (see warm-up.ts); one that fails leaves the first call to pay it, as before. */
  private async warmUp(role: string, run: (signal: AbortSignal) => Promise<void>): Promise<void> {
    const started = performance.now();
    try {
      await run(AbortSignal.timeout(60_000));
      this.logger.info({ role, ms: Math.round(performance.now() - started) }, "engine warmed up");
    } catch (err) {
      this.logger.warn({ role, err: describeError(err) }, "engine warm-up failed: the first call pays its first run");
    }
  }

  private update(role: ModelRole, patch: Partial<RoleState>): void {
    const s = this.states.get(role);
    if (!s) return;
    Object.assign(s, patch);
    this.onChange(s);
  }

  /** Every engine loaded, and the optional turn model loaded or known to be absent (so every call gets it). */
  get ready(): boolean {
    return (
      this.turnSettled &&
      [...this.states.values(), ...this.languageStates].every((s) => s.status === "ready") &&
      this.states.size === modelRoles.length
    );
  }

  /** Each role's state, then each language entry's. */
  status(): RoleState[] {
    const base = modelRoles.map((r) => this.states.get(r)).filter((s): s is RoleState => s !== undefined);
    return [...base, ...this.languageStates];
  }

  /**
   * Waits until every engine is loaded (jobs that start while the server is
   * still loading models wait here); rejects when one failed or is missing.
   */
  async whenReady(signal: AbortSignal, language?: string): Promise<EngineSet> {
    await Promise.race([
      this.start(),
      new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true })),
    ]);
    const engines = this.engines(language);
    if (engines) return engines;
    const broken = this.status()
      .filter((s) => s.status !== "ready")
      .map((s) => `${s.role} (${s.modelId}): ${s.status}${s.error ? `, ${s.error}` : ""}`);
    throw new ParleyError("engines_unavailable", `engines are not available: ${broken.join("; ")}`, {
      status: 503,
      retryable: true,
    });
  }

  /**
   * The engines, once all are ready; null before. With a language (an
   * agent's BCP 47 tag), its profile entry's engines replace the base ones.
   */
  engines(language?: string): EngineSet | null {
    if (!this.ready) return null;
    const own = language ? this.byLanguage.get((language.split("-")[0] ?? language).toLowerCase()) : undefined;
    const set = (own ? { ...this.loaded, ...own } : this.loaded) as EngineSet;
    return this.turn ? { ...set, turn: this.turn } : set;
  }

  async stop(): Promise<void> {
    await this.loading?.catch(() => undefined);
    await this.turn?.dispose().catch(() => undefined);
    this.turn = null;
    if (this.ready) await disposeEngineSet(this.loaded as EngineSet);
    else await Promise.allSettled(Object.values(this.loaded).map((e) => e.dispose()));
    for (const engines of this.byLanguage.values())
      await Promise.allSettled(Object.values(engines).map((e) => e.dispose()));
  }
}
