import { randomBytes } from "node:crypto";
import pg from "pg";
import { WakeConnection } from "../../jobs/postgres/wake-listener.js";
import { describeError } from "../../lib/errors.js";
import type { Logger } from "../../lib/logger.js";
import type { EventBus } from "../bus.js";

export interface EventRelayOptions {
  /** postgres://... (store.url) and the schema whose name the channel carries (store.schema). */
  url: string;
  schema: string;
  /** Wake this node's SSE streams for other processes' events (`parley serve`); a worker only sends. */
  receive: boolean;
  logger: Logger;
}

/** The NOTIFY channel of the events of one installation (`store.schema`), within PostgreSQL's 63-byte names. */
export const eventsChannel = (schema: string): string => `parley_events.${schema}`.slice(0, 63);

/**
 * Wakes the SSE streams of every node of one installation when an event is
 * stored. With store.url the nodes share one event log in PostgreSQL (ids
 * from one identity), so an event travels by the table, not by this relay:
 * the NOTIFY only says "process <session> stored events" (one for a burst),
 * and each node's streams read what they have not sent yet from the log, in
 * id order.
 * A process ignores its own notifications (its bus told its streams already;
 * a `parley worker` beside `parley serve` is another process), and
 * its webhooks never hear another node's events (the origin delivers those).
 *
 * Nothing is lost when a notification is: a stream also reads the log on a
 * timer (`pollMs` of the SSE route), so a failed NOTIFY or a listening
 * connection that is down only delays other nodes' events by that much. The
 * listening connection reconnects with backoff like the queue's wake-ups.
 */
export class PostgresEventRelay {
  private readonly pool: pg.Pool;
  private readonly listener: WakeConnection | null;
  private readonly channel: string;
  private readonly unsubscribe: () => void;
  private sending: Promise<void> = Promise.resolve();
  /** A NOTIFY is queued and not yet sent: events stored meanwhile ride on it. */
  private queued = false;
  /** This process, to drop its own echoes (a `parley worker` beside the server is another). */
  private readonly session = randomBytes(6).toString("hex");

  constructor(
    private readonly bus: EventBus,
    private readonly o: EventRelayOptions,
  ) {
    this.channel = eventsChannel(o.schema);
    this.pool = new pg.Pool({ connectionString: o.url, max: 1, application_name: "parley-events" });
    this.pool.on("error", (err) =>
      o.logger.warn({ err: describeError(err) }, "PostgreSQL connection lost (event relay)"),
    );
    // Watchers, not subscribers: an event published inside a transaction wakes the others once it commits.
    this.unsubscribe = bus.watch((from) => {
      if (from === "here") this.send();
    });
    if (o.receive) {
      this.listener = new WakeConnection(
        { connectionString: o.url, application_name: "parley-events" },
        this.channel,
        o.logger,
        {
          name: "event relay",
          whileDown: "other nodes' events reach this node's SSE clients at each stream's poll instead of at once",
        },
      );
      this.listener.subscribe((payload) => {
        if (payload !== null) this.receive(payload);
      });
    } else {
      this.listener = null;
    }
  }

  /** Resolves once this node listens (tests wait for it before the other node publishes). */
  async ready(): Promise<void> {
    await this.listener?.ready();
  }

  /** Resolves once every event published so far was announced (or the attempt failed). */
  async flushed(): Promise<void> {
    await this.sending;
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await this.sending;
    await this.listener?.close();
    await this.pool.end();
  }

  private send(): void {
    if (this.queued) return;
    this.queued = true;
    this.sending = this.sending.then(() => {
      this.queued = false;
      return this.pool.query("SELECT pg_notify($1, $2)", [this.channel, this.session]).then(
        () => undefined,
        (err: unknown) => {
          this.o.logger.warn(
            { err: describeError(err) },
            "could not wake the other nodes' event streams (they read the new events at their next poll)",
          );
        },
      );
    });
  }

  private receive(payload: string): void {
    // The sender's session; anything else on the channel (another program, an older node) wakes the streams too.
    if (payload === this.session) return;
    this.bus.announce();
  }
}
