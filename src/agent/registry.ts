import { ParleyError } from "../lib/errors.js";
import type { Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";
import type { AgentsRepo, AgentVersion, AgentVersionSummary } from "../store/repos/agents-repo.js";
import type { AgentDefinition } from "./definition.js";
import { AgentDefinitionError, loadAgentDir, parseAgent } from "./load.js";
import { keepStoredSecrets } from "./redact.js";
import type { OutboundPolicy } from "../lib/outbound/index.js";

export type AgentSource = "file" | "api";

export interface AgentEntry {
  agent: AgentDefinition;
  source: AgentSource;
}

/** An API agent saved (`entry`) or deleted (`entry` null), with the definition it replaced (null: a new agent). */
export interface AgentChange {
  name: string;
  entry: AgentEntry | null;
  previous: AgentDefinition | null;
  /** "local": saved or deleted through this process; "store": found changed by `reload()` (another node did it). */
  origin: "local" | "store";
}

/** Which agent handles a message left on a mailbox, and as what. */
export interface MailboxRoute {
  agent: AgentDefinition;
  kind: "voicemail" | "form";
}

/**
 * All agents: the YAML files (read once at start, read-only through the API)
 * and those created through the API (stored in the database, read by
 * `reload()`, then kept in memory: lookups stay synchronous on a live call).
 * A name can only be one or the other.
 */
export class AgentRegistry {
  private readonly files = new Map<string, AgentDefinition>();
  private readonly stored = new Map<string, AgentDefinition>();

  private readonly toolPolicy: OutboundPolicy | null;
  private readonly listeners = new Set<(change: AgentChange) => void>();
  /** Whether `reload()` ran once: the first read is the starting state, not a change to announce. */
  private loaded = false;

  constructor(
    dir: string,
    private readonly defaultName: string,
    private readonly repo: AgentsRepo,
    private readonly clock: Clock,
    private readonly logger: Logger,
    options: { toolPolicy?: OutboundPolicy } = {},
  ) {
    this.toolPolicy = options.toolPolicy ?? null;
    for (const a of loadAgentDir(dir)) {
      this.files.set(a.name, a);
      // The operator wrote the file: a refused URL is reported now and refused when the tool runs, not fatal at start.
      for (const r of this.toolRefusals(a))
        logger.warn(
          { agent: a.name, tool: r.tool, reason: r.reason },
          "agent HTTP tool URL is not allowed; calls to it will be refused",
        );
    }
  }

  /**
   * Reads the API agents from the store (at start, and again when another node changed one: app/ listens for that
   * with `store.url`); after the first read, tells the listeners of each agent that changed (`origin: "store"`).
   */
  async reload(): Promise<void> {
    const loaded = new Map<string, AgentDefinition>();
    for (const row of await this.repo.all()) {
      try {
        loaded.set(row.name, parseAgent(row.definition, `database agent '${row.name}'`));
      } catch (err) {
        // A definition that an older version accepted must not stop the server; it is reported and skipped.
        this.logger.error({ agent: row.name, err: (err as Error).message }, "stored agent is invalid; skipped");
      }
    }
    const before = new Map(this.stored);
    this.stored.clear();
    for (const [name, agent] of loaded) this.stored.set(name, agent);
    const first = !this.loaded;
    this.loaded = true;
    if (first) return;
    for (const [name, agent] of loaded) {
      const previous = before.get(name) ?? null;
      if (previous && JSON.stringify(previous) === JSON.stringify(agent)) continue;
      this.emit({ name, entry: { agent, source: "api" }, previous, origin: "store" });
    }
    for (const [name, previous] of before)
      if (!loaded.has(name)) this.emit({ name, entry: null, previous, origin: "store" });
  }

  list(): AgentEntry[] {
    const files = [...this.files.values()].map((agent) => ({ agent, source: "file" as const }));
    const api = [...this.stored.values()].map((agent) => ({ agent, source: "api" as const }));
    return [...files, ...api].sort((a, b) => a.agent.name.localeCompare(b.agent.name));
  }

  find(name: string): AgentEntry | null {
    const f = this.files.get(name);
    if (f) return { agent: f, source: "file" };
    const s = this.stored.get(name);
    return s ? { agent: s, source: "api" } : null;
  }

  get(name: string): AgentDefinition {
    const e = this.find(name);
    if (!e) throw new ParleyError("agent_unknown", `no agent named '${name}'`, { status: 404 });
    return e.agent;
  }

  /** The agent (and message kind) for a mailbox: a form mailbox first, then a voicemail one, then the default agent. */
  forMailbox(mailbox: string | null): MailboxRoute {
    const all = this.list().map((e) => e.agent);
    if (mailbox) {
      const form = all.find((a) => a.form?.mailboxes.includes(mailbox));
      if (form) return { agent: form, kind: "form" };
      const vm = all.find((a) => a.voicemail.mailboxes.includes(mailbox));
      if (vm) return { agent: vm, kind: "voicemail" };
    }
    const fallback = this.find(this.defaultName);
    if (!fallback)
      throw new ParleyError(
        "agent_unknown",
        `no agent handles mailbox '${mailbox ?? "(none)"}' and the default agent '${this.defaultName}' does not exist`,
        { status: 422 },
      );
    return { agent: fallback.agent, kind: "voicemail" };
  }

  /**
   * Creates or replaces an API agent, keeping the definition as its next version (who saved it: `by`, e.g.
   * "operator ops" or "key 3"); file agents cannot be changed here: their history is the file's.
   */
  async save(input: unknown, options: { by?: string | null; restoredFrom?: number } = {}): Promise<AgentDefinition> {
    const parsed = parseAgent(input, "agent");
    if (this.files.has(parsed.name))
      throw new ParleyError("agent_read_only", `agent '${parsed.name}' is defined in a file; edit the YAML instead`, {
        status: 409,
      });
    // Auth values are write-only: a definition sent back as it was shown keeps the stored secrets.
    const { agent, missing } = keepStoredSecrets(parsed, this.stored.get(parsed.name) ?? null);
    if (missing.length > 0) {
      const issues = missing.map((path) => ({
        path,
        message: "required: this tool has no stored value to keep (send the header's value)",
      }));
      throw new AgentDefinitionError(`agent: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`, { issues });
    }
    const refusals = this.toolRefusals(agent);
    if (refusals.length > 0) {
      const issues = refusals.map((r) => ({ path: r.path, message: r.reason }));
      throw new AgentDefinitionError(`agent: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`, { issues });
    }
    const previous = this.stored.get(agent.name) ?? null;
    await this.repo.save(agent.name, agent, this.clock.now(), {
      by: options.by ?? null,
      restoredFrom: options.restoredFrom ?? null,
    });
    this.stored.set(agent.name, agent);
    this.emit({ name: agent.name, entry: { agent, source: "api" }, previous, origin: "local" });
    return agent;
  }

  /**
   * Calls `listener` after each save or delete through the API (app/ indexes the agent's `knowledge:` list this
   * way); returns the detach. A listener's failure is its own: it must not throw.
   */
  onChange(listener: (change: AgentChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(change: AgentChange): void {
    for (const listener of this.listeners) listener(change);
  }

  /** HTTP tools whose URL the tools policy refuses (scheme, or a literal address such as 127.0.0.1). */
  private toolRefusals(agent: AgentDefinition): { tool: string; path: string; reason: string }[] {
    if (!this.toolPolicy) return [];
    const out: { tool: string; path: string; reason: string }[] = [];
    agent.tools.forEach((t, i) => {
      if (t.type !== "http") return;
      const reason = this.toolPolicy?.urlRefusal(t.url);
      if (reason) out.push({ tool: t.name, path: `tools.${i}.url`, reason: `${t.url.split("?")[0]} ${reason}` });
    });
    return out;
  }

  /** An API agent's saved definitions, newest first (the first is the current one). */
  async versions(name: string): Promise<AgentVersionSummary[]> {
    this.editable(name);
    return this.repo.versions(name);
  }

  /** One saved definition of an API agent, as stored (auth values included: redact before showing it). */
  async version(name: string, version: number): Promise<AgentVersion> {
    this.editable(name);
    const v = await this.repo.version(name, version);
    if (!v) throw new ParleyError("not_found", `agent '${name}' has no version ${version}`, { status: 404 });
    return v;
  }

  /** Saves an old version again, as the newest, through the same validation as any save. */
  async restore(name: string, version: number, by: string | null): Promise<AgentDefinition> {
    const v = await this.version(name, version);
    return this.save({ ...(v.definition as object), name }, { by, restoredFrom: version });
  }

  /** Throws unless `name` is an agent made through the API (404 unknown, 409 defined in a file). */
  private editable(name: string): void {
    if (this.files.has(name))
      throw new ParleyError(
        "agent_read_only",
        `agent '${name}' is defined in a file, which Parley does not change: edit the YAML (its history is the file's)`,
        { status: 409 },
      );
    if (!this.stored.has(name)) throw new ParleyError("agent_unknown", `no agent named '${name}'`, { status: 404 });
  }

  async delete(name: string): Promise<void> {
    if (this.files.has(name))
      throw new ParleyError("agent_read_only", `agent '${name}' is defined in a file; remove the YAML instead`, {
        status: 409,
      });
    if (!(await this.repo.delete(name)))
      throw new ParleyError("agent_unknown", `no agent named '${name}'`, { status: 404 });
    const previous = this.stored.get(name) ?? null;
    this.stored.delete(name);
    this.emit({ name, entry: null, previous, origin: "local" });
  }
}
