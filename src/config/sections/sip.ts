import { z } from "zod";

/** SIP signalling (owned by src/sip). */
export const sipSection = z.object({}).strict();
