import { DestinationRefusedError, OutboundPolicy, outboundRequest } from "../../lib/outbound/index.js";
import type { AgentTool } from "../definition.js";
import type { ToolHandler } from "./types.js";

type HttpTool = Extract<AgentTool, { type: "http" }>;
const MAX_RESULT_CHARS = 4000; // what a small model can use; the rest would only crowd its context
const DEFAULT_POLICY = new OutboundPolicy({ allowHosts: [], allowPrivateNetworks: true, setting: "tools.allowHosts" });

/**
 * A tool declared in the agent's YAML: the model's arguments go to a URL
 * (query string for GET, JSON body otherwise) with the configured auth
 * header, under the tools' outbound policy (checked on the addresses the
 * name resolves to when connecting). Failures become a result the model can
 * tell the caller about, never an exception that ends the call.
 */
export function httpTool(def: HttpTool): ToolHandler {
  return {
    spec: { name: def.name, description: def.description, parameters: def.parameters },
    async run(args, ctx) {
      const url = new URL(def.url);
      const headers: Record<string, string> = { accept: "application/json", "user-agent": "parley" };
      if (def.auth?.value !== undefined) headers[def.auth.header] = def.auth.value;
      let body: string | undefined;
      if (def.method === "GET") {
        for (const [k, v] of Object.entries(args))
          url.searchParams.set(k, typeof v === "string" ? v : JSON.stringify(v));
      } else {
        headers["content-type"] = "application/json";
        body = JSON.stringify(args);
      }
      const timeout = AbortSignal.timeout(def.timeoutMs);
      try {
        const res = await outboundRequest(url.toString(), {
          method: def.method,
          headers,
          ...(body !== undefined ? { body } : {}),
          signal: AbortSignal.any([ctx.signal, timeout]),
          policy: ctx.services.outbound ?? DEFAULT_POLICY,
          maxResponseBytes: MAX_RESULT_CHARS * 4,
        });
        const text = res.body.slice(0, MAX_RESULT_CHARS);
        let data: unknown = text;
        if (String(res.headers["content-type"] ?? "").includes("json")) {
          try {
            data = JSON.parse(text) as unknown;
          } catch {
            // keep the text
          }
        }
        const ok = res.status >= 200 && res.status < 300;
        return { result: ok ? data : { error: `the service answered ${res.status}`, body: data } };
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        if (err instanceof DestinationRefusedError)
          return {
            result: {
              error: "the service may not be called from here (refused by the server's tools.allowHosts policy)",
            },
          };
        return {
          result: {
            error: timeout.aborted
              ? `the service did not answer within ${def.timeoutMs} ms`
              : "the service could not be reached",
          },
        };
      }
    },
  };
}
