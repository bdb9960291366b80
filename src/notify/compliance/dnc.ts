import type { EventBus } from "../../events/bus.js";
import type { Clock } from "../../lib/clock.js";
import { normalizeE164 } from "../../lib/phone.js";
import { DncAuditRepo } from "../../store/repos/dnc-audit-repo.js";
import { DncRepo, type DncEntry } from "../../store/repos/dnc-repo.js";
import type { SqlExecutor, SqlStore } from "../../store/sql/port.js";

export type DncSource = "api" | "console" | "import" | "opt-out-dtmf" | "opt-out-speech";

/** Who changed the list, as the audit trail keeps it: "operator ops", "key 3 (ci)", "notification 12". */
export interface DncActor {
  actor: string;
  /** The notification (and its campaign) a recipient opted out on. */
  notificationId?: number | null;
  campaignId?: number | null;
}

const SIP_URI = /^sips?:([^@;>\s]+)@[^\s]+$/i;

/**
 * The form a recipient is listed and looked up under: E.164 for anything
 * that is a number (a SIP URI whose user part is one included, so
 * sip:+15550100@pbx and +1 555 0100 are the same person), else the SIP URI
 * lower-cased. Null when it is neither.
 */
export function dncKey(to: string, defaultCountryCode: string): string | null {
  const trimmed = to.trim();
  const sip = SIP_URI.exec(trimmed);
  if (sip) return normalizeE164(safeDecode(sip[1] ?? ""), { defaultCountryCode }) ?? trimmed.toLowerCase();
  return normalizeE164(trimmed, { defaultCountryCode });
}

/**
 * The do-not-call list. Every path that dials (notify.deliver, the campaign
 * pacer, callback.place) asks `listed()` right before it dials, so a number
 * added after a job was queued is still never called. On the SQL port: with
 * `store.url` one list for every node, so a number listed on one node is
 * refused by all.
 */
export class DoNotCallList {
  readonly repo: DncRepo;
  readonly audit: DncAuditRepo;

  constructor(
    private readonly sql: SqlStore,
    private readonly clock: Clock,
    private readonly bus: EventBus,
    private readonly defaultCountryCode: string,
  ) {
    this.repo = new DncRepo(sql);
    this.audit = new DncAuditRepo(sql);
  }

  key(to: string): string | null {
    return dncKey(to, this.defaultCountryCode);
  }

  /** The entry that forbids calling `to`, or null. A recipient we cannot even read is treated as listed under its raw text. */
  listed(to: string): Promise<DncEntry | null> {
    return this.repo.get(this.key(to) ?? to.trim());
  }

  /**
   * Adds a number; `created` is false when it was already on the list (then nothing is audited: the first entry
   * stands). Throws nothing: an unreadable number is added as given.
   */
  async add(
    to: string,
    source: DncSource,
    reason: string | null,
    by: DncActor,
  ): Promise<{ entry: DncEntry; created: boolean }> {
    const number = this.key(to) ?? to.trim();
    const { entry, created } = await this.sql.transaction(async (tx) => {
      const now = this.clock.now();
      const added = await this.repo.add(number, source, reason, now, tx);
      if (added) await this.recordChange(tx, number, "added", source, reason, by, now);
      return { entry: (await this.repo.get(number, tx)) as DncEntry, created: added };
    });
    if (created) await this.bus.publish("dnc.added", `dnc:${number}`, { number, source });
    return { entry, created };
  }

  /** Adds numbers already in their key form in one transaction, auditing each new one; returns how many were new. */
  addMany(
    entries: readonly { number: string; reason: string | null }[],
    source: DncSource,
    by: DncActor,
  ): Promise<number> {
    return this.sql.transaction(async (tx) => {
      const now = this.clock.now();
      let added = 0;
      for (const e of entries) {
        if (!(await this.repo.add(e.number, source, e.reason, now, tx))) continue;
        await this.recordChange(tx, e.number, "added", source, e.reason, by, now);
        added++;
      }
      return added;
    });
  }

  /** Removes a number and audits who did it and why; false when it was not listed. */
  remove(to: string, source: DncSource, reason: string | null, by: DncActor): Promise<boolean> {
    const number = this.key(to) ?? to.trim();
    return this.sql.transaction(async (tx) => {
      if (!(await this.repo.remove(number, tx))) return false;
      await this.recordChange(tx, number, "removed", source, reason, by, this.clock.now());
      return true;
    });
  }

  private recordChange(
    tx: SqlExecutor,
    number: string,
    action: "added" | "removed",
    source: DncSource,
    reason: string | null,
    by: DncActor,
    now: number,
  ): Promise<void> {
    return this.audit.add(
      {
        number,
        action,
        source,
        actor: by.actor,
        reason,
        notificationId: by.notificationId ?? null,
        campaignId: by.campaignId ?? null,
        createdAt: now,
      },
      tx,
    );
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
