import { concatInt16 } from "../audio/index.js";
import { menuPromptText, type Menu } from "./menu.js";
import { compileTemplate, fillTemplate, literalTemplate, planSegments } from "./templates.js";
import { CACHE_RATE, type TtsCache, type Voice } from "../engines/tts/cache/index.js";

/** What a notification says, before it is audio. */
export interface MessageSpec {
  /** Template text; variables are filled from `variables`. */
  text: string;
  variables: Readonly<Record<string, unknown>>;
  /** Said first (a campaign's "This is an automated call from..."); may use the same variables. */
  disclosure?: string | null;
  menu?: Menu | null;
  voice: Voice;
  /** The agent's language: the default menu lines are said in it (English when absent or without phrases). */
  language?: string;
}

export interface RenderedMessage {
  /** In playing order: the disclosure (when there is one), then the message. */
  parts: Int16Array[];
  menuPrompt: Int16Array | null;
  /** The message as text, variables filled in. */
  text: string;
  pieces: number;
  hits: number;
  misses: number;
  durationMs: number;
}

/** Samples below this (about -44 dBFS) at a piece's edges are the engine's padding, trimmed so joins sound like one sentence. */
const EDGE_FLOOR = 200;
// 40 ms each side leaves about a word gap where two pieces meet.
const EDGE_KEEP = (40 * CACHE_RATE) / 1000;

/**
 * Renders a message through the cache, piece by piece (static text once per
 * voice, variables per recipient), and joins the pieces with a pause where
 * sentences meet. Called ahead of the call (notify.render) and again at dial
 * time, when every piece is a cache hit.
 */
export async function renderMessage(
  cache: TtsCache,
  spec: MessageSpec,
  sentencePauseMs: number,
  signal: AbortSignal,
): Promise<RenderedMessage> {
  const tally = { pieces: 0, hits: 0, misses: 0 };
  const speak = async (template: string): Promise<Int16Array> => {
    const segments = planSegments(compileTemplate(template), spec.variables, sentencePauseMs);
    const out: Int16Array[] = [];
    for (const s of segments) {
      const r = await cache.render(s.text, spec.voice, signal);
      tally.pieces++;
      if (r.hit) tally.hits++;
      else tally.misses++;
      if (s.pauseBeforeMs > 0) out.push(new Int16Array(Math.round((s.pauseBeforeMs * CACHE_RATE) / 1000)));
      out.push(trimEdges(r.pcm));
    }
    return concatInt16(out);
  };
  const parts: Int16Array[] = [];
  if (spec.disclosure) parts.push(await speak(spec.disclosure));
  parts.push(await speak(spec.text));
  const menuPrompt = spec.menu ? await speak(literalTemplate(menuPromptText(spec.menu, spec.language))) : null;
  const samples = parts.reduce((n, p) => n + p.length, 0);
  return {
    parts,
    menuPrompt,
    text: fillTemplate(compileTemplate(spec.text), spec.variables),
    ...tally,
    durationMs: Math.round((samples * 1000) / CACHE_RATE),
  };
}

/** Drops the engine's leading and trailing near-silence, keeping a few milliseconds. */
export function trimEdges(pcm: Int16Array): Int16Array {
  let start = 0;
  let end = pcm.length;
  while (start < end && Math.abs(pcm[start] ?? 0) < EDGE_FLOOR) start++;
  while (end > start && Math.abs(pcm[end - 1] ?? 0) < EDGE_FLOOR) end--;
  if (start >= end) return pcm.subarray(0, 0);
  return pcm.subarray(Math.max(0, start - EDGE_KEEP), Math.min(pcm.length, end + EDGE_KEEP));
}
