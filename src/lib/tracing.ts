import { context, SpanStatusCode, trace, type Span } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, BatchSpanProcessor, TraceIdRatioBasedSampler } from "@opentelemetry/sdk-trace-base";

/**
 * Optional OpenTelemetry tracing. Instrumented code only touches the API
 * package: with tracing off no SDK is registered and every span is a no-op
 * that costs next to nothing. `setupTracing` registers the SDK when enabled.
 */
export const tracer = () => trace.getTracer("parley");

export interface TracingHandle {
  shutdown(): Promise<void>;
}

/** The tracing settings (config's `tracing` section; declared here so lib/ imports no config). */
export interface TracingOptions {
  enabled: boolean;
  endpoint: string;
  serviceName: string;
  sampleRatio: number;
}

export function setupTracing(config: TracingOptions, version: string): TracingHandle {
  if (!config.enabled) return { shutdown: async () => undefined };
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": config.serviceName, "service.version": version }),
    sampler: new TraceIdRatioBasedSampler(config.sampleRatio),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: config.endpoint }), { scheduledDelayMillis: 500 }),
    ],
  });
  trace.setGlobalTracerProvider(provider);
  return {
    shutdown: async () => {
      await provider.forceFlush().catch(() => undefined);
      await provider.shutdown().catch(() => undefined);
      trace.disable();
    },
  };
}

/** Runs `fn` inside a child span of `parent` (or a root span); records errors and always ends the span. */
export async function inSpan<T>(
  name: string,
  attributes: Record<string, string | number | boolean>,
  fn: (span: Span) => Promise<T>,
  parent?: Span,
): Promise<T> {
  const ctx = parent ? trace.setSpan(context.active(), parent) : context.active();
  const span = tracer().startSpan(name, { attributes }, ctx);
  try {
    return await context.with(trace.setSpan(ctx, span), () => fn(span));
  } catch (err) {
    span.recordException(err as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
    throw err;
  } finally {
    span.end();
  }
}

/** A span for something that started earlier (a turn, measured afterwards). */
export function recordSpan(
  name: string,
  startMs: number,
  endMs: number,
  attributes: Record<string, string | number | boolean>,
  parent?: Span,
): void {
  const ctx = parent ? trace.setSpan(context.active(), parent) : context.active();
  const span = tracer().startSpan(name, { attributes, startTime: startMs }, ctx);
  span.end(endMs);
}
