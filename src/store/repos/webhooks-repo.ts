import type { Database } from "better-sqlite3";
import type { SqlStore } from "../sql/port.js";

/** A `webhook_endpoints` row. The secret is here because signing needs it; the API never returns it after creation. */
export interface WebhookEndpointRecord {
  id: number;
  name: string;
  url: string;
  secret: string;
  /** Event types, or ["*"] for all. */
  events: string[];
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
}

/** One delivery attempt (`webhook_deliveries`), with the type of the event it carried. */
export interface WebhookDeliveryRecord {
  id: number;
  endpointId: number;
  eventId: number;
  eventType: string | null;
  /** The webhook.deliver job of this attempt (null for attempts logged before migration 024). */
  jobId: number | null;
  idempotencyKey: string;
  attempt: number;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  createdAt: number;
}

export interface NewWebhookEndpoint {
  name: string;
  url: string;
  secret: string;
  events: string[];
  enabled: boolean;
  now: number;
}

/** Fields a PATCH may change; absent ones keep their value. */
export interface WebhookEndpointChanges {
  name?: string | undefined;
  url?: string | undefined;
  secret?: string | undefined;
  events?: string[] | undefined;
  enabled?: boolean | undefined;
}

export type NewWebhookDelivery = Omit<WebhookDeliveryRecord, "id">;

interface EndpointRow {
  id: number;
  name: string;
  url: string;
  secret: string;
  events: string;
  enabled: number | boolean;
  created_at: number;
  updated_at: number;
}

interface DeliveryRow {
  id: number;
  endpoint_id: number;
  event_id: number;
  event_type: string | null;
  job_id: number | null;
  idempotency_key: string;
  attempt: number;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
  created_at: number;
}

const toEndpoint = (r: EndpointRow): WebhookEndpointRecord => ({
  id: r.id,
  name: r.name,
  url: r.url,
  secret: r.secret,
  events: JSON.parse(r.events) as string[],
  enabled: r.enabled === 1 || r.enabled === true,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toDelivery = (r: DeliveryRow): WebhookDeliveryRecord => ({
  id: r.id,
  endpointId: r.endpoint_id,
  eventId: r.event_id,
  eventType: r.event_type,
  jobId: r.job_id,
  idempotencyKey: r.idempotency_key,
  attempt: r.attempt,
  statusCode: r.status_code,
  error: r.error,
  durationMs: r.duration_ms,
  createdAt: r.created_at,
});

const ENABLED = "SELECT * FROM webhook_endpoints WHERE enabled = 1 ORDER BY id";

/**
 * `webhook_endpoints` and `webhook_deliveries`, on the SQL port: with `store.url` every node reads and writes the
 * same endpoints and one delivery log, so an endpoint made on one node hears the events of all. Inserting a
 * duplicate name throws the engine's unique violation; the webhooks module turns it into a 409.
 *
 * The engines differ in one place, the event type of a logged attempt: SQLite's log references the node's
 * `events` table and reads the type from it (rows logged before the type was kept have it there only); PostgreSQL's
 * log cannot reference a node's own events, so each attempt keeps the type of the event it carried.
 */
export class WebhooksRepo {
  constructor(private readonly sql: SqlStore) {}

  /**
   * The enabled endpoints read synchronously from a node's SQLite handle: the fan-out uses it so that, without
   * store.url, the deliveries are queued before `publish()` returns (inside the publisher's transaction).
   */
  static enabledNow(db: Database): WebhookEndpointRecord[] {
    return db.prepare<[], EndpointRow>(ENABLED).all().map(toEndpoint);
  }

  async insert(e: NewWebhookEndpoint): Promise<WebhookEndpointRecord> {
    const r = await this.sql.get<EndpointRow>(
      `INSERT INTO webhook_endpoints (name, url, secret, events, enabled, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      [e.name, e.url, e.secret, JSON.stringify(e.events), e.enabled ? 1 : 0, e.now, e.now],
    );
    return toEndpoint(r as EndpointRow);
  }

  async get(id: number): Promise<WebhookEndpointRecord | null> {
    const r = await this.sql.get<EndpointRow>("SELECT * FROM webhook_endpoints WHERE id = ?", [id]);
    return r ? toEndpoint(r) : null;
  }

  async byName(name: string): Promise<WebhookEndpointRecord | null> {
    const r = await this.sql.get<EndpointRow>("SELECT * FROM webhook_endpoints WHERE name = ?", [name]);
    return r ? toEndpoint(r) : null;
  }

  async list(): Promise<WebhookEndpointRecord[]> {
    return (await this.sql.all<EndpointRow>("SELECT * FROM webhook_endpoints ORDER BY id")).map(toEndpoint);
  }

  async enabled(): Promise<WebhookEndpointRecord[]> {
    return (await this.sql.all<EndpointRow>(ENABLED)).map(toEndpoint);
  }

  /** Applies the given fields; null when no such endpoint. */
  async update(id: number, c: WebhookEndpointChanges, now: number): Promise<WebhookEndpointRecord | null> {
    // NULL means "unchanged": one fixed statement for every PATCH, nothing spliced into SQL.
    const r = await this.sql.get<EndpointRow>(
      `UPDATE webhook_endpoints SET name = coalesce(?, name), url = coalesce(?, url), secret = coalesce(?, secret),
      events = coalesce(?, events), enabled = coalesce(?, enabled), updated_at = ? WHERE id = ? RETURNING *`,
      [
        c.name ?? null,
        c.url ?? null,
        c.secret ?? null,
        c.events ? JSON.stringify(c.events) : null,
        c.enabled === undefined ? null : c.enabled ? 1 : 0,
        now,
        id,
      ],
    );
    return r ? toEndpoint(r) : null;
  }

  /** Deletes the endpoint and (cascade) its delivery log. */
  async remove(id: number): Promise<boolean> {
    return (await this.sql.run("DELETE FROM webhook_endpoints WHERE id = ?", [id])).changes > 0;
  }

  async addDelivery(d: NewWebhookDelivery): Promise<void> {
    const common = [d.endpointId, d.eventId, d.jobId, d.idempotencyKey, d.attempt, d.statusCode, d.error, d.durationMs];
    if (this.sql.dialect === "postgres")
      await this.sql.run(
        `INSERT INTO webhook_deliveries (endpoint_id, event_id, job_id, idempotency_key, attempt, status_code, error,
        duration_ms, created_at, event_type) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [...common, d.createdAt, d.eventType],
      );
    else
      await this.sql.run(
        `INSERT INTO webhook_deliveries (endpoint_id, event_id, job_id, idempotency_key, attempt, status_code, error,
        duration_ms, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [...common, d.createdAt],
      );
  }

  /** Attempts to one endpoint, newest first, with ids below `beforeId` (the cursor). */
  async deliveries(endpointId: number, beforeId: number | null, limit: number): Promise<WebhookDeliveryRecord[]> {
    const rows = await this.sql.all<DeliveryRow>(
      this.sql.dialect === "postgres"
        ? "SELECT * FROM webhook_deliveries d WHERE d.endpoint_id = ? AND d.id < ? ORDER BY d.id DESC LIMIT ?"
        : `SELECT d.*, e.type AS event_type FROM webhook_deliveries d LEFT JOIN events e ON e.id = d.event_id
        WHERE d.endpoint_id = ? AND d.id < ? ORDER BY d.id DESC LIMIT ?`,
      [endpointId, beforeId ?? Number.MAX_SAFE_INTEGER, limit],
    );
    return rows.map(toDelivery);
  }
}
