import type { MwiConfig, MwiSubscriber } from "../../config/sections/intake.js";
import type { EventBus } from "../../events/bus.js";
import { describeError } from "../../lib/errors.js";
import type { Logger } from "../../lib/logger.js";
import { sendMessageWaiting, type SipPort } from "../../sip/index.js";
import { VoicemailsRepo } from "../../store/repos/voicemails-repo.js";
import type { SqlStore } from "../../store/sql/port.js";

export interface MessageWaitingDeps {
  sql: SqlStore;
  bus: EventBus;
  sip: SipPort;
  logger: Logger;
}

export interface MessageWaiting {
  /** Settles when the NOTIFYs of the latest change have been answered (tests, shutdown). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Message waiting back to the phone: whenever a voicemail arrives, changes
 * status or is deleted, each subscriber whose mailbox's counts changed gets a
 * NOTIFY (Event: message-summary, RFC 3842) with the open (unhandled)
 * messages as new and the handled ones as old, so the desk phone's lamp is
 * on exactly while something waits. Every subscriber is told once at start
 * (the lamp is right after a restart); a NOTIFY that fails is tried again
 * after `retryMs` and on the next change.
 * @example const mwi = startMessageWaiting(config.intake.mwi, { sql, bus, sip, logger })
 */
export function startMessageWaiting(config: MwiConfig, deps: MessageWaitingDeps): MessageWaiting {
  const repo = new VoicemailsRepo(deps.sql);
  /** What each subscriber was last told ("open/handled"), by index; absent until a NOTIFY succeeded. */
  const told = new Map<number, string>();
  let timer: NodeJS.Timeout | null = null;
  let retry: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  let closed = false;

  const notify = async (s: MwiSubscriber, i: number): Promise<boolean> => {
    const counts = await repo.mailboxCounts(s.mailbox);
    const key = `${counts.open}/${counts.handled}`;
    if (told.get(i) === key) return true;
    try {
      await sendMessageWaiting(deps.sip, {
        uri: s.uri,
        summary: { account: s.account ?? s.uri, voice: { new: counts.open, old: counts.handled } },
        ...(s.auth ? { auth: s.auth } : {}),
      });
      told.set(i, key);
      deps.logger.info({ mailbox: s.mailbox, uri: s.uri, open: counts.open, handled: counts.handled }, "mwi sent");
      return true;
    } catch (err) {
      told.delete(i);
      deps.logger.warn({ mailbox: s.mailbox, uri: s.uri, err: describeError(err) }, "mwi NOTIFY failed");
      return false;
    }
  };
  const sweep = (): void => {
    timer = null;
    running = running
      .then(async () => {
        if (closed) return;
        const results = await Promise.all(config.subscribers.map((s, i) => notify(s, i)));
        if (results.includes(false) && !closed && !retry) {
          retry = setTimeout(() => {
            retry = null;
            schedule(0);
          }, config.retryMs);
          retry.unref();
        }
      })
      .catch((err: unknown) => deps.logger.warn({ err: describeError(err) }, "mwi: counting failed"));
  };
  const schedule = (delayMs: number): void => {
    if (closed || timer) return;
    timer = setTimeout(sweep, delayMs);
    timer.unref();
  };
  const offOwn = deps.bus.subscribe((event) => {
    if (event.type.startsWith("voicemail.")) schedule(config.debounceMs);
  });
  // With store.url the counts are every node's: a message taken in or handled on another node changes this node's
  // lamps too. The relay says when other nodes stored events, without their types (`watch`): any of them recounts,
  // and a NOTIFY goes out only when a mailbox's counts changed.
  const offRelayed = deps.bus.watch(() => schedule(config.debounceMs));
  const off = () => (offOwn(), offRelayed());
  schedule(0);
  return {
    async idle() {
      while (timer) await new Promise((r) => setTimeout(r, 20));
      await running;
    },
    async close() {
      closed = true;
      off();
      if (timer) clearTimeout(timer);
      if (retry) clearTimeout(retry);
      timer = null;
      await running;
    },
  };
}
