/**
 * Shapes of the outbound side (notifications and campaigns) as their rows
 * store them. The notify feature validates them (menuSchema,
 * windowSpecSchema) and owns what they mean; they live here because the
 * store persists them and must not import the layers above.
 */

export const menuActions = ["confirm", "transfer", "callback", "opt_out", "repeat"] as const;
export type MenuAction = (typeof menuActions)[number];

/** The DTMF menu played after a message to a human: digits to actions, and an optional prompt. */
export interface Menu {
  options: Record<string, MenuAction>;
  prompt?: string | undefined;
}

/** A notification's or campaign's own calling window: every field optional, the config fills the rest. */
export interface WindowSpec {
  timeZone?: string | undefined;
  start?: string | undefined;
  end?: string | undefined;
  quietDays?: ("sun" | "mon" | "tue" | "wed" | "thu" | "fri" | "sat")[] | undefined;
  holidays?: string[] | undefined;
}

/** How an outbound notification call ended (outbound_attempts.outcome, notifications.outcome). */
export type DeliveryOutcome = "delivered_human" | "delivered_voicemail" | "no_answer" | "busy" | "failed" | "opted_out";

/** What answering-machine detection decided (outbound_attempts.amd, as JSON). */
export interface AmdVerdictRecord {
  verdict: "human" | "machine" | "unknown";
  /** Length of the answering party's first speech (a person says "Hello?"; a machine talks on). */
  greetingMs: number;
  reason: string;
  /** Machine only: whether its beep was heard (else we waited for the greeting to end). */
  beep?: boolean;
}

/** One notification call's result, as the attempt row stores it. */
export interface DeliveryResult {
  outcome: DeliveryOutcome;
  choice: MenuAction | null;
  digits: string;
  amd: AmdVerdictRecord | null;
  callId: number | null;
  durationMs: number;
}
