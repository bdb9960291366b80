import { z } from "zod";

/** OpenTelemetry traces (off by default): calls and their turns, jobs and their stages, sent over OTLP/HTTP. */
export const tracingSection = z
  .object({
    enabled: z.boolean().default(false),
    /** An OTLP/HTTP traces endpoint: a collector, Jaeger, Tempo. */
    endpoint: z.url().default("http://127.0.0.1:4318/v1/traces"),
    serviceName: z.string().min(1).default("parley"),
    /** Fraction of calls and jobs traced (1 = all). */
    sampleRatio: z.number().min(0).max(1).default(1),
  })
  .strict();

export type TracingConfig = z.infer<typeof tracingSection>;
