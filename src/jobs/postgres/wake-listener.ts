import pg from "pg";
import type { Logger } from "../../lib/logger.js";
import { describeError } from "../../lib/errors.js";

export type WakeListener = (kind: string | null) => void;

/**
 * One dedicated connection per process that LISTENs on the queue's channel
 * and tells the local workers which kind became ready (enqueue, release,
 * retry on any node). Started by the first subscriber. When the connection
 * drops it reconnects with backoff and then wakes everyone with `null`
 * ("anything may be ready"), since notifications sent meanwhile are lost;
 * the worker's poll is the last safety net.
 */
export class WakeConnection {
  private readonly listeners = new Set<WakeListener>();
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryMs = 0;
  private closed = false;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly channel: string,
    private readonly logger: Logger,
    /** What the log lines call this connection, and what happens while it is down (the event relay reuses it). */
    private readonly describe = {
      name: "queue wake-up",
      whileDown: "workers poll until it is back",
    },
  ) {}

  /** Subscribes; returns the unsubscribe function. */
  subscribe(listener: WakeListener): () => void {
    this.listeners.add(listener);
    if (!this.client && !this.connecting && !this.retryTimer) this.connecting = this.connect();
    return () => this.listeners.delete(listener);
  }

  /** Resolves once the LISTEN is in place (tests and benchmarks wait for it). */
  async ready(): Promise<void> {
    await this.connecting;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.connecting;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    const client = new pg.Client(this.config);
    client.on("notification", (msg) => {
      if (msg.channel === this.channel) this.emit(msg.payload ?? null);
    });
    client.on("error", (err) => this.lost(client, err));
    client.on("end", () => this.lost(client, new Error("connection ended")));
    try {
      await client.connect();
      await client.query(`LISTEN "${this.channel}"`);
    } catch (err) {
      this.connecting = null;
      await client.end().catch(() => {});
      this.lost(client, err);
      return;
    }
    this.connecting = null;
    if (this.closed) {
      await client.end().catch(() => {});
      return;
    }
    const reconnected = this.retryMs > 0;
    this.client = client;
    this.retryMs = 0;
    if (reconnected) {
      this.logger.info({ channel: this.channel }, `${this.describe.name} connection restored`);
      this.emit(null);
    }
  }

  private lost(client: pg.Client, err: unknown): void {
    if (this.closed || (this.client !== client && this.client !== null)) return;
    this.client = null;
    if (this.retryTimer) return;
    this.retryMs = Math.min(30_000, Math.max(500, this.retryMs * 2));
    this.logger.warn(
      { err: describeError(err), retryMs: this.retryMs },
      `${this.describe.name} connection lost; ${this.describe.whileDown}`,
    );
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.closed) this.connecting = this.connect();
    }, this.retryMs);
    this.retryTimer.unref();
  }

  private emit(kind: string | null): void {
    for (const l of [...this.listeners]) {
      try {
        l(kind);
      } catch (err) {
        this.logger.error({ err: describeError(err) }, `${this.describe.name} listener failed`);
      }
    }
  }
}
