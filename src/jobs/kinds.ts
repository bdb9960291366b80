import type { NewJob } from "./types.js";

/**
 * Job kinds to their payloads: the one place a kind is declared. jobs/ knows
 * no feature, so it declares only its own harmless kinds; each feature adds
 * its kinds in its own `kinds.ts` by declaration merging:
 *
 *   declare module "../jobs/kinds.js" {
 *     interface JobKinds { "voicemail.process": { voicemailId: number } }
 *   }
 *
 * `queue.enqueue({ kind, payload })` then checks the payload against the
 * kind at compile time, wherever the enqueue is (a live call queueing a
 * callback needs no import of the feature that runs it).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface JobKinds {
  noop: unknown;
  sleep: { ms: number };
}

export type JobKind = keyof JobKinds;

/** The payload of kind K; a kind nobody declared (POST /v1/jobs takes any) carries any JSON. */
export type PayloadOf<K extends string> = K extends JobKind ? JobKinds[K] : unknown;

/** A new job whose payload matches its kind. */
export type KindedJob<K extends string> = Omit<NewJob<PayloadOf<K>>, "kind"> & { kind: K };
