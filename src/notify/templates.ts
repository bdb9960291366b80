import { z } from "zod";
import { ParleyError } from "../lib/errors.js";

/**
 * Message templates: text with `{variables}` ("Hello {name}, your appointment
 * is on {date}."). `{{` and `}}` are literal braces. A template is split into
 * sentences, and each sentence into its static text and its variables, so
 * that static pieces are rendered once per voice (and then always served from
 * the cache) while only the variables are rendered per recipient.
 */

export type TemplatePiece = { kind: "text"; text: string } | { kind: "var"; name: string };

export interface CompiledTemplate {
  text: string;
  pieces: TemplatePiece[];
  /** Variable names in order of first use. */
  variables: string[];
}

/** One piece of speech to render; `pauseBeforeMs` separates sentences. */
export interface Segment {
  text: string;
  kind: "static" | "variable";
  pauseBeforeMs: number;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
/** Variables one message may carry, and the length of a name: a message names a few, not thousands. */
export const MAX_VARIABLES = 100;
/** Template variables as the API takes them: name -> string, number or boolean; bounded in count and size. */
export const variablesSchema = z
  .record(z.string().min(1).max(64), z.union([z.string().max(1000), z.number(), z.boolean()]))
  .refine((v) => Object.keys(v).length <= MAX_VARIABLES, { message: `at most ${MAX_VARIABLES} variables` });
export const MAX_VALUE_CHARS = 200;

function invalid(message: string, details?: Record<string, unknown>): never {
  throw new ParleyError("template_invalid", message, { status: 400, ...(details ? { details } : {}) });
}

/** Parses a template; a 400 `template_invalid` names the position of an unclosed brace or a bad name. */
export function compileTemplate(text: string): CompiledTemplate {
  const pieces: TemplatePiece[] = [];
  let literal = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if ((ch === "{" || ch === "}") && text[i + 1] === ch) {
      literal += ch;
      i++;
    } else if (ch === "{") {
      const close = text.indexOf("}", i);
      if (close < 0) invalid(`unclosed '{' at character ${i + 1}`);
      const name = text.slice(i + 1, close).trim();
      if (!NAME.test(name)) invalid(`'{${name}}' at character ${i + 1} is not a variable name (letters, digits, '_')`);
      if (literal) pieces.push({ kind: "text", text: literal });
      literal = "";
      pieces.push({ kind: "var", name });
      i = close;
    } else if (ch === "}") {
      invalid(`unmatched '}' at character ${i + 1} (write '}}' for a literal brace)`);
    } else {
      literal += ch;
    }
  }
  if (literal) pieces.push({ kind: "text", text: literal });
  const variables = [...new Set(pieces.flatMap((p) => (p.kind === "var" ? [p.name] : [])))];
  if (!pieces.some((p) => (p.kind === "text" ? /\w/.test(p.text) : true))) invalid("the template says nothing");
  return { text, pieces, variables };
}

/** A variable's value as it may be spoken: control characters removed, whitespace collapsed, length capped. */
export function cleanValue(value: unknown): string {
  const s =
    typeof value === "string" ? value : typeof value === "number" || typeof value === "boolean" ? String(value) : "";
  // eslint-disable-next-line no-control-regex
  return s
    .replace(/[\u0000-\u001f\u007f]/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, MAX_VALUE_CHARS);
}

/** Names of the template's variables that `values` lacks or leaves empty. */
export function missingVariables(t: CompiledTemplate, values: Readonly<Record<string, unknown>>): string[] {
  return t.variables.filter((name) => cleanValue(values[name]) === "");
}

/** The whole message as text, variables filled in (for records and the call's transcript). */
export function fillTemplate(t: CompiledTemplate, values: Readonly<Record<string, unknown>>): string {
  return t.pieces
    .map((p) => (p.kind === "text" ? p.text : cleanValue(values[p.name])))
    .join("")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * The segments to render, in order: each sentence's static text and variable
 * values as separate pieces, a pause before each sentence but the first.
 * Pieces with nothing to say (a lone "." after a variable) are dropped.
 * Throws `variables_missing` (400) naming what is missing.
 */
export function planSegments(
  t: CompiledTemplate,
  values: Readonly<Record<string, unknown>>,
  sentencePauseMs: number,
): Segment[] {
  const missing = missingVariables(t, values);
  if (missing.length)
    throw new ParleyError("variables_missing", `missing template variables: ${missing.join(", ")}`, {
      status: 400,
      details: { missing },
    });
  const out: Segment[] = [];
  let sentenceStart = true;
  const push = (text: string, kind: Segment["kind"]) => {
    const spoken = text.trim();
    if (!/[\p{L}\p{N}]/u.test(spoken)) return;
    out.push({ text: spoken, kind, pauseBeforeMs: sentenceStart && out.length > 0 ? sentencePauseMs : 0 });
    sentenceStart = false;
  };
  for (const p of t.pieces) {
    if (p.kind === "var") {
      push(cleanValue(values[p.name]), "variable");
      continue;
    }
    // A sentence ends at . ! or ? followed by space (or the end of the piece); the punctuation stays with its sentence.
    const parts = p.text.split(/(?<=[.!?])(?:\s+|$)/);
    parts.forEach((part, i) => {
      push(part, "static");
      if (i < parts.length - 1 && /[.!?]\s*$/.test(part)) sentenceStart = true;
    });
  }
  return out;
}

/** Plain text as a template that says exactly it (braces doubled). */
export function literalTemplate(text: string): string {
  return text.replace(/[{}]/g, (b) => b + b);
}
