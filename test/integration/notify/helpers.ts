import type { ParleyConfigInput } from "../../../src/config/index.js";
import { createTestApp, type TestApp } from "../../helpers/app.js";

/** Wednesday 25 Nov 2026, 09:00 UTC: open in London, 04:00 (closed) in New York. */
export const START = "2026-11-25T09:00:00Z";

/**
 * A trunk for tests that accept phone numbers without dialling them: notifications and campaign rows to numbers
 * need one (issue 10, item 23); `.invalid` never resolves, so a call that did go out would fail at once.
 */
export const TEST_TRUNK = { uri: "sip:trunk.example.invalid" };

/** A test app with the tiny engines (TTS renders for real), a trunk, and the service clock starting at START, through config. */
export function notifyApp(config: ParleyConfigInput = {}): Promise<TestApp> {
  return createTestApp({
    engines: "tiny",
    config: { clock: { startAt: START }, ...config, sip: { trunk: TEST_TRUNK, ...config.sip } },
  });
}

/** JSON helpers for `t.request`. */
export const post = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});
export const patch = (body: unknown): RequestInit => ({
  method: "PATCH",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});
export const csv = (text: string): RequestInit => ({
  method: "POST",
  headers: { "content-type": "text/csv" },
  body: text,
});

export async function json<T = Record<string, unknown>>(res: Response | Promise<Response>): Promise<T> {
  return (await (await res).json()) as T;
}

/** Polls until `fn` returns something truthy (bounded). */
export async function waitFor<T>(fn: () => T | Promise<T>, what: string, timeoutMs = 20_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface JobJson {
  id: number;
  kind: string;
  status: string;
  result: Record<string, unknown> | null;
  payload: Record<string, unknown>;
  runAt: string;
}

/** The jobs of a kind, newest first. */
export async function jobs(t: TestApp, kind: string): Promise<JobJson[]> {
  return (await json<{ items: JobJson[] }>(t.request(`/v1/jobs?kind=${kind}&limit=200`))).items;
}

/** Waits until the job has a final status and returns it. */
export async function settledJob(t: TestApp, id: number, timeoutMs = 20_000): Promise<JobJson> {
  return waitFor(
    async () => {
      const j = await json<JobJson>(t.request(`/v1/jobs/${id}`));
      return ["succeeded", "dead", "cancelled"].includes(j.status) ? j : null;
    },
    `job ${id}`,
    timeoutMs,
  );
}

/** A Prometheus sample's value from /metrics (0 when absent). */
export async function metric(t: TestApp, name: string): Promise<number> {
  const text = await (await t.app.request("/metrics")).text();
  // A metric with labels (the cache's counters by use) is the sum of its series; one without is its one line.
  const plain = text.split("\n").find((l) => l.startsWith(`${name} `));
  if (plain) return Number(plain.split(" ")[1]);
  const series = text.split("\n").filter((l) => l.startsWith(`${name}{`));
  return series.reduce((n, l) => n + Number(l.split(" ").pop()), 0);
}
