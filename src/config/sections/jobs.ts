import { z } from "zod";

/** The durable job queue and its worker (owned by src/jobs). */
export const jobsSection = z.object({}).strict();
