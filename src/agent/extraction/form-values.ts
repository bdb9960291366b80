import { normalizeE164 } from "../../lib/phone.js";
import type { FormField } from "../definition.js";

export type FormValue = string | number | boolean | null;

export interface FormResult {
  summary: string;
  values: Record<string, FormValue>;
  /** Required fields the caller did not give. */
  missing: string[];
  /** Fields given in a shape their type does not allow (kept out of `values`). */
  invalid: { field: string; value: unknown; reason: string }[];
}

const TRUE = new Set(["true", "yes", "y", "1"]);
const FALSE = new Set(["false", "no", "n", "0"]);

/** One value to its field's type, or a reason it cannot be. Empty means "not said". */
function coerce(f: FormField, v: unknown, cc: string): { value: FormValue } | { reason: string } {
  if (v === null || v === undefined || v === "") return { value: null };
  switch (f.type) {
    case "text":
      return { value: String(v).trim() || null };
    case "number": {
      const n = typeof v === "number" ? v : Number(String(v).replace(/,/g, ""));
      return Number.isFinite(n) ? { value: n } : { reason: "not a number" };
    }
    case "boolean": {
      if (typeof v === "boolean") return { value: v };
      const s = String(v).toLowerCase().trim();
      return TRUE.has(s) ? { value: true } : FALSE.has(s) ? { value: false } : { reason: "not yes or no" };
    }
    case "date": {
      const s = String(v).trim();
      const ok = /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`));
      return ok ? { value: s } : { reason: "not a date as YYYY-MM-DD" };
    }
    case "phone": {
      const e164 = normalizeE164(String(v), { defaultCountryCode: cc });
      return e164 ? { value: e164 } : { reason: "not a phone number" };
    }
    case "enum": {
      const s = String(v).trim();
      const match = f.values?.find((x) => x.toLowerCase() === s.toLowerCase());
      return match ? { value: match } : { reason: `not one of ${(f.values ?? []).join(", ")}` };
    }
  }
}

export function normalizeFormValues(
  fields: FormField[],
  raw: Record<string, unknown>,
  defaultCountryCode: string,
): FormResult {
  const values: Record<string, FormValue> = {};
  const invalid: FormResult["invalid"] = [];
  for (const f of fields) {
    const r = coerce(f, raw[f.name], defaultCountryCode);
    if ("reason" in r) {
      invalid.push({ field: f.name, value: raw[f.name], reason: r.reason });
      values[f.name] = null;
    } else values[f.name] = r.value;
  }
  const missing = fields.filter((f) => f.required && values[f.name] === null).map((f) => f.name);
  return { summary: typeof raw.summary === "string" ? raw.summary.trim() : "", values, missing, invalid };
}
