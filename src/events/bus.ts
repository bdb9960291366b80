import type { Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";
import type { EventsRepo } from "../store/repos/events-repo.js";
import type { SqlExecutor } from "../store/sql/port.js";
import type { DomainEvents, DomainEventType, PublishedEvent } from "./types.js";

type Listener = (event: PublishedEvent) => void;
/** Where the stored events come from: this process (`here`), or another node or process (`elsewhere`, the relay). */
export type StoredBy = "here" | "elsewhere";
type Watcher = (from: StoredBy) => void;

/** Masks personal data in an event's payload before it is stored (the app's privacy policy). */
export type ScrubEvent = <T>(data: T) => T;

/**
 * Publishes domain events: each is stored first (the audit trail and the
 * source for SSE resume; with store.url one log that every node shares), then
 * handed to in-process listeners (webhook fan-out, MWI), and the watchers
 * (SSE streams, the relay that wakes other nodes' streams) are told to read
 * the log. A listener that throws is logged, never allowed to break the
 * publisher. With `scrub`, the payload is masked before it is
 * stored, so the audit trail, SSE clients and webhook bodies (built from the
 * stored event) never see what the privacy settings mask.
 */
export class EventBus {
  private readonly listeners = new Set<Listener>();
  /** Told that something was stored, here or (the relay says) by another node or process: SSE streams read the log. */
  private readonly watchers = new Set<Watcher>();

  constructor(
    private readonly repo: EventsRepo,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly scrub: ScrubEvent = (data) => data,
  ) {}

  async publish<T extends DomainEventType>(
    type: T,
    subject: string | null,
    raw: DomainEvents[T],
    tx?: SqlExecutor,
  ): Promise<PublishedEvent<T>> {
    const data = this.scrub(raw);
    const record = await this.repo.insert(type, subject, data, this.clock.now(), tx);
    const event = { ...record, type, data } as PublishedEvent<T>;
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        this.logger.error({ err: (err as Error).message, event: type }, "event listener failed");
      }
    }
    // Inside a transaction the event is not readable before the commit: the caller says when (`committed`).
    if (!tx) this.tellWatchers("here");
    return event;
  }

  /** After the commit of a transaction that published events (`publish(..., tx)`): streams read them now. */
  committed(): void {
    this.tellWatchers("here");
  }

  /**
   * Events published by this process (webhook fan-out, MWI): each is acted on once, where it happened. Told at once,
   * inside the publisher's transaction when it has one (the SQLite fan-out queues its jobs in it).
   */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called after any event is stored, this node's or (told by the relay) another node's: SSE streams read the store. */
  watch(watcher: Watcher): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  /**
   * Another node stored events in the log this node shares (store.url): the watchers (SSE streams) read them.
   * Subscribers are not told: webhooks and the rest act on an event at its origin only.
   */
  announce(): void {
    this.tellWatchers("elsewhere");
  }

  private tellWatchers(from: StoredBy): void {
    for (const w of this.watchers) {
      try {
        w(from);
      } catch (err) {
        this.logger.error({ err: (err as Error).message }, "event watcher failed");
      }
    }
  }

  /** Stored events after an id, for clients that reconnect. */
  async since(afterId: number, limit?: number): Promise<PublishedEvent[]> {
    return (await this.repo.since(afterId, limit)) as PublishedEvent[];
  }

  /** One stored event, or null. */
  async get(id: number): Promise<PublishedEvent | null> {
    return (await this.repo.get(id)) as PublishedEvent | null;
  }

  /** The stored events about one subject (`voicemail:42`), oldest first. */
  async bySubject(subject: string, limit?: number): Promise<PublishedEvent[]> {
    return (await this.repo.bySubject(subject, limit)) as PublishedEvent[];
  }

  /** The newest stored event's id (0 when none): a live-only stream starts after it. */
  async latestId(): Promise<number> {
    return this.repo.latestId();
  }

  /** Listeners and watchers attached now (tests check that SSE clients unsubscribe when they leave). */
  get listenerCount(): number {
    return this.listeners.size + this.watchers.size;
  }
}
