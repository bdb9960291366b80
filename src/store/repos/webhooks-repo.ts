import type { Database, Statement } from "better-sqlite3";

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

export type NewWebhookDelivery = Omit<WebhookDeliveryRecord, "id" | "eventType">;

interface EndpointRow {
  id: number;
  name: string;
  url: string;
  secret: string;
  events: string;
  enabled: number;
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

type Params = Record<string, string | number | null>;

const toEndpoint = (r: EndpointRow): WebhookEndpointRecord => ({
  id: r.id,
  name: r.name,
  url: r.url,
  secret: r.secret,
  events: JSON.parse(r.events) as string[],
  enabled: r.enabled === 1,
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

const cache = new WeakMap<Database, WebhooksRepo>();

/**
 * `webhook_endpoints` and `webhook_deliveries`. Inserting a duplicate name
 * throws SQLite's UNIQUE error (SQLITE_CONSTRAINT_UNIQUE); the webhooks
 * module turns it into a 409.
 */
export class WebhooksRepo {
  private readonly s: ReturnType<typeof prepare>;

  /** One repo per database: the fan-out runs on every event and should not re-prepare statements. */
  static for(db: Database): WebhooksRepo {
    let repo = cache.get(db);
    if (!repo) cache.set(db, (repo = new WebhooksRepo(db)));
    return repo;
  }

  constructor(db: Database) {
    this.s = prepare(db);
  }

  insert(e: NewWebhookEndpoint): WebhookEndpointRecord {
    return toEndpoint(
      this.s.insert.get({
        name: e.name,
        url: e.url,
        secret: e.secret,
        events: JSON.stringify(e.events),
        enabled: e.enabled ? 1 : 0,
        now: e.now,
      }) as EndpointRow,
    );
  }

  get(id: number): WebhookEndpointRecord | null {
    const r = this.s.get.get({ id });
    return r ? toEndpoint(r) : null;
  }

  byName(name: string): WebhookEndpointRecord | null {
    const r = this.s.byName.get({ name });
    return r ? toEndpoint(r) : null;
  }

  list(): WebhookEndpointRecord[] {
    return this.s.list.all({}).map(toEndpoint);
  }

  enabled(): WebhookEndpointRecord[] {
    return this.s.enabled.all({}).map(toEndpoint);
  }

  /** Applies the given fields; null when no such endpoint. */
  update(id: number, c: WebhookEndpointChanges, now: number): WebhookEndpointRecord | null {
    const r = this.s.update.get({
      id,
      now,
      name: c.name ?? null,
      url: c.url ?? null,
      secret: c.secret ?? null,
      events: c.events ? JSON.stringify(c.events) : null,
      enabled: c.enabled === undefined ? null : c.enabled ? 1 : 0,
    });
    return r ? toEndpoint(r) : null;
  }

  /** Deletes the endpoint and (cascade) its delivery log. */
  remove(id: number): boolean {
    return this.s.remove.run({ id }).changes > 0;
  }

  addDelivery(d: NewWebhookDelivery): void {
    this.s.addDelivery.run({
      endpointId: d.endpointId,
      eventId: d.eventId,
      jobId: d.jobId,
      key: d.idempotencyKey,
      attempt: d.attempt,
      statusCode: d.statusCode,
      error: d.error,
      durationMs: d.durationMs,
      now: d.createdAt,
    });
  }

  /** Attempts to one endpoint, newest first, with ids below `beforeId` (the cursor). */
  deliveries(endpointId: number, beforeId: number | null, limit: number): WebhookDeliveryRecord[] {
    return this.s.deliveries.all({ endpointId, beforeId: beforeId ?? Number.MAX_SAFE_INTEGER, limit }).map(toDelivery);
  }
}

function prepare(db: Database) {
  const endpoint = (sql: string): Statement<[Params], EndpointRow> => db.prepare<Params, EndpointRow>(sql);
  return {
    insert: endpoint(`INSERT INTO webhook_endpoints (name, url, secret, events, enabled, created_at, updated_at)
      VALUES (@name, @url, @secret, @events, @enabled, @now, @now) RETURNING *`),
    get: endpoint("SELECT * FROM webhook_endpoints WHERE id = @id"),
    byName: endpoint("SELECT * FROM webhook_endpoints WHERE name = @name"),
    list: endpoint("SELECT * FROM webhook_endpoints ORDER BY id"),
    enabled: endpoint("SELECT * FROM webhook_endpoints WHERE enabled = 1 ORDER BY id"),
    // NULL means "unchanged": one fixed statement for every PATCH, nothing spliced into SQL.
    update:
      endpoint(`UPDATE webhook_endpoints SET name = coalesce(@name, name), url = coalesce(@url, url), secret = coalesce(@secret, secret),
      events = coalesce(@events, events), enabled = coalesce(@enabled, enabled), updated_at = @now WHERE id = @id RETURNING *`),
    remove: endpoint("DELETE FROM webhook_endpoints WHERE id = @id"),
    addDelivery:
      db.prepare<Params>(`INSERT INTO webhook_deliveries (endpoint_id, event_id, job_id, idempotency_key, attempt, status_code, error, duration_ms, created_at)
      VALUES (@endpointId, @eventId, @jobId, @key, @attempt, @statusCode, @error, @durationMs, @now)`),
    deliveries: db.prepare<
      Params,
      DeliveryRow
    >(`SELECT d.*, e.type AS event_type FROM webhook_deliveries d LEFT JOIN events e ON e.id = d.event_id
      WHERE d.endpoint_id = @endpointId AND d.id < @beforeId ORDER BY d.id DESC LIMIT @limit`),
  };
}
