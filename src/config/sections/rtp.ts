import { z } from "zod";

/** RTP media (owned by src/rtp). */
export const rtpSection = z.object({}).strict();
