import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tracingSection } from "../../../src/config/sections/tracing.js";
import { inSpan, recordSpan, setupTracing, type TracingHandle } from "../../../src/lib/tracing.js";
import { createTestApp, type TestApp } from "../../helpers/app.js";

/** OpenTelemetry traces, sent over OTLP/HTTP to a collector stand-in on 127.0.0.1. */
interface OtlpSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: { key: string; value: Record<string, unknown> }[];
}

describe("tracing", () => {
  let server: Server;
  let url: string;
  const spans: OtlpSpan[] = [];
  let tracing: TracingHandle;
  let t: TestApp;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (d: Buffer) => (body += d.toString()));
      req.on("end", () => {
        const json = JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };
        for (const rs of json.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const addr = server.address() as { port: number };
    url = `http://127.0.0.1:${addr.port}/v1/traces`;
    tracing = setupTracing(tracingSection.parse({ enabled: true, endpoint: url }), "test");
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it("traces a job run, and nests spans under their parent", async () => {
    const worker = t.startWorker();
    const { job } = await t.services.queue.enqueue({ kind: "noop", payload: {} });
    for (let i = 0; i < 100 && (await t.services.queue.get(job.id))?.status !== "succeeded"; i++)
      await new Promise((r) => setTimeout(r, 20));
    await inSpan("call inbound", { "call.id": 7 }, async (call) => {
      recordSpan("turn", Date.now() - 500, Date.now(), { "latency.firstRtpMs": 420 }, call);
    });
    await worker.stop({ graceMs: 1000 });
    await tracing.shutdown();
    const jobSpan = spans.find((s) => s.name === "job noop");
    expect(jobSpan?.attributes.find((a) => a.key === "job.id")?.value).toEqual({ intValue: job.id });
    const call = spans.find((s) => s.name === "call inbound");
    const turn = spans.find((s) => s.name === "turn");
    expect(turn?.parentSpanId).toBe(call?.spanId);
    expect(turn?.traceId).toBe(call?.traceId);
    expect(turn?.attributes.find((a) => a.key === "latency.firstRtpMs")?.value).toEqual({ intValue: 420 });
  });

  it("is off by default: nothing is registered, spans are no-ops", async () => {
    const off = setupTracing(tracingSection.parse({}), "test");
    const before = spans.length;
    await inSpan("invisible", {}, async () => undefined);
    await off.shutdown();
    expect(spans.length).toBe(before);
  });
});
