import { z } from "zod";

const MB = 1024 * 1024;

/** What one uploaded document may be; larger ones get a clear error naming the limit. */
const limits = z
  .object({
    maxBytes: z
      .number()
      .int()
      .min(1024)
      .max(512 * MB)
      .default(20 * MB),
    /** Characters of extracted text (about 250 pages of prose by default). */
    maxChars: z.number().int().min(1000).max(50_000_000).default(1_000_000),
    maxPdfPages: z.number().int().min(1).max(10_000).default(500),
    /** What a DOCX (a zip archive) may unpack to: a zip bomb is refused before it is inflated. */
    maxUnpackedBytes: z
      .number()
      .int()
      .min(MB)
      .max(2048 * MB)
      .default(100 * MB),
    maxChunks: z.number().int().min(1).max(100_000).default(5000),
  })
  .strict();

/** Chunk sizes in characters (about 4 per token of English). */
const chunking = z
  .object({
    targetChars: z.number().int().min(100).max(8000).default(900),
    maxChars: z.number().int().min(200).max(16000).default(1500),
    overlapChars: z.number().int().min(0).max(4000).default(150),
    maxEntryChars: z.number().int().min(200).max(32000).default(3000),
  })
  .strict()
  .refine((c) => c.targetChars <= c.maxChars, {
    message: "targetChars must not exceed maxChars",
    path: ["targetChars"],
  })
  .refine((c) => c.overlapChars < c.targetChars, {
    message: "overlapChars must be below targetChars",
    path: ["overlapChars"],
  })
  .refine((c) => c.maxEntryChars >= c.maxChars, {
    message: "maxEntryChars must be at least maxChars",
    path: ["maxEntryChars"],
  });

const search = z
  .object({
    /** Chunks a search returns unless the caller asks for another number. */
    k: z.number().int().min(1).max(20).default(3),
    /** Candidates each list (BM25, vectors) contributes to the fusion. */
    candidates: z.number().int().min(1).max(200).default(20),
    /** Reciprocal rank fusion constant (60 in the original paper). */
    rrfK: z.number().int().min(1).max(1000).default(60),
  })
  .strict();

/** Passages of the agent's knowledge base given to voicemail extraction as background to the transcript. */
const voicemailContext = z
  .object({
    /** Passages searched for with the transcript (0: none). */
    k: z.number().int().min(0).max(10).default(3),
    /** Most prompt tokens the passages may take together (counted with the LLM's tokenizer). */
    maxTokens: z.number().int().min(0).max(8000).default(400),
  })
  .strict();

/** The knowledge base: per-agent documents, chunked and searched (docs/knowledge.md). */
export const knowledgeSection = z
  .object({
    limits: limits.prefault({}),
    chunking: chunking.prefault({}),
    search: search.prefault({}),
    voicemailContext: voicemailContext.prefault({}),
  })
  .strict();

export type KnowledgeConfig = z.infer<typeof knowledgeSection>;
