import { randomBytes } from "node:crypto";
import pg from "pg";
import { WakeConnection } from "../../jobs/postgres/wake-listener.js";
import { describeError } from "../../lib/errors.js";
import type { Logger } from "../../lib/logger.js";
import type { EventBus } from "../bus.js";
import type { PublishedEvent } from "../types.js";
import { encodePieces, parsePiece, Reassembler } from "./codec.js";

export interface EventRelayOptions {
  /** postgres://... (store.url) and the schema whose name the channel carries (store.schema). */
  url: string;
  schema: string;
  /** This node: the same for every process on one database (a `parley worker` beside `parley serve`), unique otherwise. */
  origin: string;
  /** Store and announce other nodes' events here (`parley serve`); a worker only sends its own. */
  receive: boolean;
  logger: Logger;
}

/** The NOTIFY channel of the events of one installation (`store.schema`), within PostgreSQL's 63-byte names. */
export const eventsChannel = (schema: string): string => `parley_events.${schema}`.slice(0, 63);

/**
 * Carries domain events between the nodes of one installation through
 * PostgreSQL NOTIFY, so an SSE client on any node hears what happened on
 * every node. Each event this node publishes is sent on the channel (after
 * it was stored and scrubbed here); each event another node sent is stored in
 * this node's event log and announced to its SSE streams, never to its
 * webhooks (the origin delivers those). A node ignores its own echoes.
 *
 * Sending is in publish order, one at a time; a failure is logged and the
 * event stays in its origin's log only. The listening connection reconnects
 * with backoff like the queue's wake-ups; what was sent while it was down is
 * not replayed (a client that must not miss anything reads the origin node).
 */
export class PostgresEventRelay {
  private readonly pool: pg.Pool;
  private readonly listener: WakeConnection | null;
  private readonly channel: string;
  private readonly reassembler = new Reassembler();
  private readonly unsubscribe: () => void;
  private sending: Promise<void> = Promise.resolve();
  private sequence = 0;
  private readonly session = randomBytes(4).toString("hex");

  constructor(
    private readonly bus: EventBus,
    private readonly o: EventRelayOptions,
  ) {
    this.channel = eventsChannel(o.schema);
    this.pool = new pg.Pool({ connectionString: o.url, max: 1, application_name: "parley-events" });
    this.pool.on("error", (err) =>
      o.logger.warn({ err: describeError(err) }, "PostgreSQL connection lost (event relay)"),
    );
    this.unsubscribe = bus.subscribe((event) => this.send(event));
    if (o.receive) {
      this.listener = new WakeConnection(
        { connectionString: o.url, application_name: "parley-events" },
        this.channel,
        o.logger,
        {
          name: "event relay",
          whileDown: "events of other nodes do not reach this node's SSE clients until it is back",
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

  /** Resolves once every event published so far was sent (or failed). */
  async flushed(): Promise<void> {
    await this.sending;
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await this.sending;
    await this.listener?.close();
    await this.pool.end();
  }

  private send(event: PublishedEvent): void {
    const messageId = `${this.session}.${++this.sequence}`;
    const pieces = encodePieces(this.o.origin, messageId, {
      type: event.type,
      subject: event.subject,
      data: event.data,
      createdAt: event.createdAt,
    });
    this.sending = this.sending.then(() =>
      this.notify(pieces).catch((err: unknown) => {
        this.o.logger.warn(
          { err: describeError(err), event: event.type, id: event.id },
          "could not relay an event to the other nodes",
        );
      }),
    );
  }

  /** One transaction: the pieces of an event reach every listener together, in order. */
  private async notify(pieces: string[]): Promise<void> {
    const client = await this.pool.connect();
    try {
      if (pieces.length === 1) {
        await client.query("SELECT pg_notify($1, $2)", [this.channel, pieces[0]]);
        return;
      }
      await client.query("BEGIN");
      try {
        for (const p of pieces) await client.query("SELECT pg_notify($1, $2)", [this.channel, p]);
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw err;
      }
    } finally {
      client.release();
    }
  }

  private receive(payload: string): void {
    const piece = parsePiece(payload);
    if (!piece || piece.origin === this.o.origin) return;
    const event = this.reassembler.add(piece, Date.now());
    if (!event) return;
    try {
      this.bus.storeRelayed(event);
    } catch (err) {
      this.o.logger.warn({ err: describeError(err), event: event.type }, "could not store an event of another node");
    }
  }
}
