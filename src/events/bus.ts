import type { Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";
import type { EventsRepo } from "../store/repos/events-repo.js";
import type { DomainEvents, DomainEventType, PublishedEvent } from "./types.js";

type Listener = (event: PublishedEvent) => void;

/** Masks personal data in an event's payload before it is stored (the app's privacy policy). */
export type ScrubEvent = <T>(data: T) => T;

/**
 * Publishes domain events: each is stored first (the audit trail and the
 * source for SSE resume), then handed to in-process listeners (webhook
 * fan-out, live SSE clients). A listener that throws is logged, never allowed
 * to break the publisher. With `scrub`, the payload is masked before it is
 * stored, so the audit trail, SSE clients and webhook bodies (built from the
 * stored event) never see what the privacy settings mask.
 */
export class EventBus {
  private readonly listeners = new Set<Listener>();
  /** Told that something was stored, published here or relayed from another node (SSE streams read the store). */
  private readonly watchers = new Set<() => void>();

  constructor(
    private readonly repo: EventsRepo,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly scrub: ScrubEvent = (data) => data,
  ) {}

  publish<T extends DomainEventType>(type: T, subject: string | null, raw: DomainEvents[T]): PublishedEvent<T> {
    const data = this.scrub(raw);
    const record = this.repo.insert(type, subject, data, this.clock.now());
    const event = { ...record, type, data } as PublishedEvent<T>;
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        this.logger.error({ err: (err as Error).message, event: type }, "event listener failed");
      }
    }
    this.tellWatchers();
    return event;
  }

  /** Events published by this node (webhook fan-out, the relay to other nodes): each is acted on once, where it happened. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called after any event is stored, this node's or one relayed from another (SSE streams read them from the store). */
  watch(watcher: () => void): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  /**
   * Stores an event another node published (scrubbed there) so this node's SSE clients get it, under an id of
   * this node's sequence. Subscribers are not told: webhooks and the rest act on an event at its origin only.
   */
  storeRelayed(e: { type: string; subject: string | null; data: unknown; createdAt: number }): void {
    this.repo.insert(e.type, e.subject, e.data, e.createdAt);
    this.tellWatchers();
  }

  private tellWatchers(): void {
    for (const w of this.watchers) {
      try {
        w();
      } catch (err) {
        this.logger.error({ err: (err as Error).message }, "event watcher failed");
      }
    }
  }

  /** Stored events after an id, for clients that reconnect. */
  since(afterId: number, limit?: number): PublishedEvent[] {
    return this.repo.since(afterId, limit) as PublishedEvent[];
  }

  /** One stored event, or null. */
  get(id: number): PublishedEvent | null {
    return this.repo.get(id) as PublishedEvent | null;
  }

  /** The newest stored event's id (0 when none): a live-only stream starts after it. */
  latestId(): number {
    return this.repo.latestId();
  }

  /** Listeners and watchers attached now (tests check that SSE clients unsubscribe when they leave). */
  get listenerCount(): number {
    return this.listeners.size + this.watchers.size;
  }
}
