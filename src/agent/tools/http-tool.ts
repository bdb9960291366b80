import type { AgentTool } from "../definition.js";
import type { ToolHandler } from "./types.js";

type HttpTool = Extract<AgentTool, { type: "http" }>;
const MAX_RESULT_CHARS = 4000; // what a small model can use; the rest would only crowd its context

/**
 * A tool declared in the agent's YAML: the model's arguments go to a URL
 * (query string for GET, JSON body otherwise) with the configured auth
 * header. Failures become a result the model can tell the caller about,
 * never an exception that ends the call.
 */
export function httpTool(def: HttpTool): ToolHandler {
  return {
    spec: { name: def.name, description: def.description, parameters: def.parameters },
    async run(args, ctx) {
      const url = new URL(def.url);
      const headers: Record<string, string> = { accept: "application/json", "user-agent": "parley" };
      if (def.auth) headers[def.auth.header] = def.auth.value;
      let body: string | undefined;
      if (def.method === "GET") {
        for (const [k, v] of Object.entries(args)) url.searchParams.set(k, typeof v === "string" ? v : JSON.stringify(v));
      } else {
        headers["content-type"] = "application/json";
        body = JSON.stringify(args);
      }
      try {
        const res = await fetch(url, { method: def.method, headers, ...(body !== undefined ? { body } : {}), redirect: "error", signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(def.timeoutMs)]) });
        const text = (await res.text()).slice(0, MAX_RESULT_CHARS);
        let data: unknown = text;
        if ((res.headers.get("content-type") ?? "").includes("json")) {
          try {
            data = JSON.parse(text) as unknown;
          } catch {
            // keep the text
          }
        }
        return { result: res.ok ? data : { error: `the service answered ${res.status}`, body: data } };
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        const timedOut = (err as Error).name === "TimeoutError";
        return { result: { error: timedOut ? `the service did not answer within ${def.timeoutMs} ms` : "the service could not be reached" } };
      }
    },
  };
}
