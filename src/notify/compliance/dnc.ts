import type { Database } from "better-sqlite3";
import type { EventBus } from "../../events/bus.js";
import type { Clock } from "../../lib/clock.js";
import { normalizeE164 } from "../../lib/phone.js";
import { DncAuditRepo } from "../../store/repos/dnc-audit-repo.js";
import { DncRepo, type DncEntry } from "../../store/repos/dnc-repo.js";

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
 * added after a job was queued is still never called.
 */
export class DoNotCallList {
  readonly repo: DncRepo;
  readonly audit: DncAuditRepo;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly bus: EventBus,
    private readonly defaultCountryCode: string,
  ) {
    this.repo = new DncRepo(db);
    this.audit = new DncAuditRepo(db);
  }

  key(to: string): string | null {
    return dncKey(to, this.defaultCountryCode);
  }

  /** The entry that forbids calling `to`, or null. A recipient we cannot even read is treated as listed under its raw text. */
  listed(to: string): DncEntry | null {
    return this.repo.get(this.key(to) ?? to.trim());
  }

  /**
   * Adds a number; `created` is false when it was already on the list (then nothing is audited: the first entry
   * stands). Throws nothing: an unreadable number is added as given.
   */
  add(to: string, source: DncSource, reason: string | null, by: DncActor): { entry: DncEntry; created: boolean } {
    const number = this.key(to) ?? to.trim();
    const created = this.db.transaction(() => {
      const now = this.clock.now();
      const added = this.repo.add(number, source, reason, now);
      if (added) this.recordChange(number, "added", source, reason, by, now);
      return added;
    })();
    if (created) this.bus.publish("dnc.added", `dnc:${number}`, { number, source });
    return { entry: this.repo.get(number) as DncEntry, created };
  }

  /** Adds numbers already in their key form in one transaction, auditing each new one; returns how many were new. */
  addMany(entries: readonly { number: string; reason: string | null }[], source: DncSource, by: DncActor): number {
    return this.db.transaction(() => {
      const now = this.clock.now();
      let added = 0;
      for (const e of entries) {
        if (!this.repo.add(e.number, source, e.reason, now)) continue;
        this.recordChange(e.number, "added", source, e.reason, by, now);
        added++;
      }
      return added;
    })();
  }

  /** Removes a number and audits who did it and why; false when it was not listed. */
  remove(to: string, source: DncSource, reason: string | null, by: DncActor): boolean {
    const number = this.key(to) ?? to.trim();
    return this.db.transaction(() => {
      if (!this.repo.remove(number)) return false;
      this.recordChange(number, "removed", source, reason, by, this.clock.now());
      return true;
    })();
  }

  private recordChange(
    number: string,
    action: "added" | "removed",
    source: DncSource,
    reason: string | null,
    by: DncActor,
    now: number,
  ): void {
    this.audit.add({
      number,
      action,
      source,
      actor: by.actor,
      reason,
      notificationId: by.notificationId ?? null,
      campaignId: by.campaignId ?? null,
      createdAt: now,
    });
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
