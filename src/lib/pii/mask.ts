import { createHmac } from "node:crypto";
import type { MaskStyle, PiiFinding, PiiKind } from "./types.js";

/**
 * What a found value becomes. `label` says only what was there ("[card]");
 * `partial` keeps what PCI DSS and common practice allow to show (a card's
 * last four digits, a phone's last two, an address's domain; nothing of a
 * national ID); `char` keeps the layout with every letter and digit starred;
 * `hash` gives a keyed tag, equal for equal values, so two records about the
 * same card can be matched without the number being stored.
 */

const LABELS: Record<PiiKind, string> = {
  card: "card",
  nationalId: "national id",
  email: "email",
  phone: "phone",
  custom: "redacted",
};

export interface MaskOptions {
  style: MaskStyle;
  hashKey?: string | undefined;
  /** A custom rule's own replacement text. */
  replacement?: string | undefined;
}

export function maskFinding(f: PiiFinding, original: string, o: MaskOptions): string {
  if (f.kind === "custom") return o.replacement ?? `[${f.detail}]`;
  const label = LABELS[f.kind];
  switch (o.style) {
    case "label":
      return `[${label}]`;
    case "partial":
      return partial(f, label);
    case "char":
      // Spoken digits would keep the words' lengths ("four" vs "one"), which tells digits apart: one star per digit instead.
      return f.detail.startsWith("spoken") ? "*".repeat(f.normalized.length) : original.replace(/[\p{L}\p{N}]/gu, "*");
    case "hash": {
      if (!o.hashKey) return `[${label}]`;
      const tag = createHmac("sha256", o.hashKey).update(`${f.kind}:${f.normalized}`).digest("hex").slice(0, 12);
      return `[${label} ${tag}]`;
    }
  }
}

function partial(f: PiiFinding, label: string): string {
  switch (f.kind) {
    case "card":
      return f.detail.includes("security code") ? `[${label}]` : `[${label} ending ${f.normalized.slice(-4)}]`;
    case "phone":
      return `[${label} ending ${f.normalized.slice(-2)}]`;
    case "email": {
      const at = f.normalized.lastIndexOf("@");
      return at > 0 ? `${f.normalized[0]}***@${f.normalized.slice(at + 1)}` : `[${label}]`;
    }
    default:
      return `[${label}]`;
  }
}
