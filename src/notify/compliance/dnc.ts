import type { Database } from "better-sqlite3";
import type { EventBus } from "../../events/bus.js";
import type { Clock } from "../../lib/clock.js";
import { normalizeE164 } from "../../lib/phone.js";
import { DncRepo, type DncEntry } from "../../store/repos/dnc-repo.js";

export type DncSource = "api" | "import" | "opt-out-dtmf" | "opt-out-speech";

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

  constructor(
    db: Database,
    private readonly clock: Clock,
    private readonly bus: EventBus,
    private readonly defaultCountryCode: string,
  ) {
    this.repo = new DncRepo(db);
  }

  key(to: string): string | null {
    return dncKey(to, this.defaultCountryCode);
  }

  /** The entry that forbids calling `to`, or null. A recipient we cannot even read is treated as listed under its raw text. */
  listed(to: string): DncEntry | null {
    return this.repo.get(this.key(to) ?? to.trim());
  }

  /** Adds a number; `created` is false when it was already on the list. Throws nothing: an unreadable number is added as given. */
  add(to: string, source: DncSource, reason: string | null): { entry: DncEntry; created: boolean } {
    const number = this.key(to) ?? to.trim();
    const created = this.repo.add(number, source, reason, this.clock.now());
    if (created) this.bus.publish("dnc.added", `dnc:${number}`, { number, source });
    return { entry: this.repo.get(number) as DncEntry, created };
  }

  remove(to: string): boolean {
    return this.repo.remove(this.key(to) ?? to.trim());
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
