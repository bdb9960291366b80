import type { Clock } from "../lib/clock.js";
import type { WebhookDeliveryRecord, WebhookEndpointRecord, WebhooksRepo } from "../store/repos/webhooks-repo.js";
import { generateSecret, type CreateEndpointInput, type UpdateEndpointInput } from "./endpoint-input.js";
import { endpointNotFound, isUniqueViolation, nameTaken } from "./errors.js";

/** An endpoint as the API shows it: everything but the secret. */
export type WebhookEndpoint = Omit<WebhookEndpointRecord, "secret">;

export interface DeliveryPage {
  deliveries: WebhookDeliveryRecord[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: number | null;
}

/** The fields the API shows, listed one by one so a column added later is not published by accident; never the secret. */
export function publicView(e: WebhookEndpointRecord): WebhookEndpoint {
  return {
    id: e.id,
    name: e.name,
    url: e.url,
    events: e.events,
    enabled: e.enabled,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  };
}

/** Managing webhook endpoints: CRUD with typed errors, and the delivery log. */
export class WebhookEndpoints {
  constructor(
    private readonly repo: WebhooksRepo,
    private readonly clock: Clock,
  ) {}

  /** Creates an endpoint; the secret (given or generated) is returned this once. */
  async create(input: CreateEndpointInput): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    const secret = input.secret ?? generateSecret();
    try {
      const record = await this.repo.insert({
        name: input.name,
        url: input.url,
        secret,
        events: input.events,
        enabled: input.enabled,
        now: this.clock.now(),
      });
      return { endpoint: publicView(record), secret };
    } catch (err) {
      if (isUniqueViolation(err)) throw nameTaken(input.name);
      throw err;
    }
  }

  async list(): Promise<WebhookEndpoint[]> {
    return (await this.repo.list()).map(publicView);
  }

  async get(id: number): Promise<WebhookEndpoint> {
    return publicView(await this.record(id));
  }

  /** The full record, secret included, for sending. */
  async record(id: number): Promise<WebhookEndpointRecord> {
    const record = await this.repo.get(id);
    if (!record) throw endpointNotFound(id);
    return record;
  }

  async update(id: number, changes: UpdateEndpointInput): Promise<WebhookEndpoint> {
    try {
      const record = await this.repo.update(id, changes, this.clock.now());
      if (!record) throw endpointNotFound(id);
      return publicView(record);
    } catch (err) {
      if (isUniqueViolation(err)) throw nameTaken(changes.name ?? "");
      throw err;
    }
  }

  /** Deletes the endpoint and its delivery log; deliveries still queued for it finish as skipped. */
  async remove(id: number): Promise<void> {
    if (!(await this.repo.remove(id))) throw endpointNotFound(id);
  }

  /** One page of the delivery log, newest attempt first. */
  async deliveries(id: number, page: { cursor?: number | undefined; limit: number }): Promise<DeliveryPage> {
    await this.record(id);
    // One row more than asked says whether another page exists, without a count query.
    const rows = await this.repo.deliveries(id, page.cursor ?? null, page.limit + 1);
    const deliveries = rows.slice(0, page.limit);
    return {
      deliveries,
      nextCursor: rows.length > page.limit ? (deliveries[deliveries.length - 1]?.id ?? null) : null,
    };
  }
}
