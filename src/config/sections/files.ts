import { z } from "zod";

/**
 * Where audio, call recordings and the TTS cache live. One node: leave it
 * out (they go under dataDir). Several nodes: one folder they all mount (NFS
 * or similar) at the same path, so a voicemail uploaded to one node is
 * processed on another and a recording made on one is served by any
 * (docs/scale-out.md, "Shared files"). The database never goes here.
 */
export const filesSection = z
  .object({
    /** The shared folder; relative paths are resolved like dataDir. Default: dataDir. */
    dir: z.string().min(1).optional(),
  })
  .strict();
