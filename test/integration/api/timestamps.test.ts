import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { runCliInProcess } from "../../helpers/cli.js";
import { withNodeOperators } from "../../helpers/operators.js";
import { scratchDir } from "../../helpers/scratch.js";
import { toneWav } from "../voicemail/helpers.js";
import { readSse } from "./sse-reader.js";

/** Every place in a JSON value where a number looks like epoch milliseconds (2001-2286), with its path. */
function epochNumbers(value: unknown, path = "$"): string[] {
  if (typeof value === "number") return value >= 1e12 && value < 1e13 ? [`${path} = ${value}`] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => epochNumbers(v, `${path}[${i}]`));
  if (value && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) => epochNumbers(v, `${path}.${k}`));
  return [];
}

/** Fields named like times (createdAt, runAt, at, expiresAt...) that are not ISO 8601 strings (or null). */
function nonIsoTimes(value: unknown, path = "$"): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => nonIsoTimes(v, `${path}[${i}]`));
  if (!value || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const here = `${path}.${k}`;
    const named = /(^at$|At$)/.test(k);
    const bad =
      named && v !== null && !(typeof v === "string" && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/.test(v));
    return [...(bad ? [`${here} = ${JSON.stringify(v)}`] : []), ...nonIsoTimes(v, here)];
  });
}

/**
 * Issue 10, item 24: every time in every API answer is an ISO 8601 string.
 * One of each resource is made, then every GET route of the OpenAPI document
 * (and the answers to the writes) is read and searched.
 */
describe("times in API answers", () => {
  let t: TestApp;
  const answers = new Map<string, unknown>();
  beforeAll(async () => {
    t = await createTestApp({ config: { sip: { trunk: { uri: "sip:trunk.example.invalid" } } } });
    const post = async (path: string, body: unknown, type = "application/json") => {
      const res = await t.request(path, {
        method: "POST",
        headers: { "content-type": type },
        body: typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body),
      });
      answers.set(`POST ${path}`, await res.json().catch(() => null));
      return res;
    };
    await post("/v1/webhooks", { name: "hook", url: "https://hooks.example.com/in", events: ["*"] });
    await post("/v1/webhooks/1/test", {});
    await post("/v1/templates", { name: "t", text: "Hello {name}." });
    await post("/v1/notifications", { to: "+442079460000", templateId: "t", variables: { name: "Ann" } });
    await post("/v1/campaigns", { name: "c", text: "Hi." });
    await post("/v1/campaigns/1/recipients", "to\n+442079460001\n", "text/csv");
    await post("/v1/dnc", { number: "+442079460009", reason: "asked" });
    await post("/v1/agents", { name: "surveyor", systemPrompt: "You ask.", survey: { name: "checkout" } });
    await post("/v1/voicemails?mailbox=100&caller=%2B442079460002", toneWav(3), "audio/wav");
    await t.services.bus.publish("callback.scheduled", "job:1", {
      callbackId: 1,
      jobId: 1,
      to: "+442079460002",
      runAt: Date.now(),
      reason: "test",
    });
    const doc = (await (await t.request("/v1/openapi.json")).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    for (const path of Object.keys(doc.paths).filter((p) => doc.paths[p]?.get && p !== "/v1/events")) {
      const url = path.replace("{id}", "1").replace("{name}", "checkout").replace("{number}", "%2B442079460009");
      const res = await t.request(url);
      if ((res.headers.get("content-type") ?? "").includes("application/json"))
        answers.set(`GET ${url}`, await res.json());
      else await res.body?.cancel();
    }
    // The stored events as the SSE stream replays them (and as webhooks carry them).
    const sse = readSse(await t.request("/v1/events?since=0"));
    const stored = (await t.services.bus.since(0, 1000)).length;
    (await sse.next(stored, { timeoutMs: 5000 })).forEach((m, i) =>
      answers.set(`SSE ${i} ${m.event}`, JSON.parse(m.data ?? "null")),
    );
    await sse.close();
  });
  afterAll(() => t?.close());

  it("has no epoch-millisecond numbers and only ISO 8601 strings in time fields", () => {
    expect(answers.size).toBeGreaterThan(25);
    const openapi = answers.get("GET /v1/openapi.json");
    answers.delete("GET /v1/openapi.json");
    // The document describes times as strings too.
    expect(JSON.stringify(openapi)).not.toContain("milliseconds since the epoch");
    const problems = [...answers].flatMap(([where, body]) =>
      [...epochNumbers(body), ...nonIsoTimes(body)].map((p) => `${where}: ${p}`),
    );
    if (problems.length) console.log(problems.join("\n"));
    expect(problems).toEqual([]);
  });
});

describe("times in --json output", () => {
  it("keys, operators and models print ISO 8601 strings", async () => {
    const dir = scratchDir("parley-cli-times");
    const data = join(dir, "data");
    const run = async (...argv: string[]) => {
      const r = await runCliInProcess([...argv, "--json", "--data-dir", data], dir);
      expect(r.code, `${argv.join(" ")}: ${r.err}`).toBe(0);
      return JSON.parse(r.out) as unknown;
    };
    const created = (await run("keys", "create", "--name", "ci")) as { id: string };
    await withNodeOperators(data, (ops) => ops.add("ana", "a long passphrase", Date.now()));
    const outputs = {
      "keys create": created,
      "keys list": await run("keys", "list"),
      "keys revoke": await run("keys", "revoke", created.id),
      "operators list": await run("operators", "list"),
      "models list": await run("models", "list", "--profile", "tiny"),
    };
    const problems = Object.entries(outputs).flatMap(([cmd, out]) =>
      [...epochNumbers(out), ...nonIsoTimes(out)].map((p) => `${cmd}: ${p}`),
    );
    expect(problems).toEqual([]);
    expect((outputs["keys list"] as { createdAt: string }[])[0]?.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });
});
