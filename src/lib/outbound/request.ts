import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import type { OutboundPolicy } from "./address-policy.js";

export interface OutboundOptions {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  policy: OutboundPolicy;
  /** Response body kept, in bytes; the rest is read and dropped. 0 discards the body unread. */
  maxResponseBytes: number;
}

export interface OutboundResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * One HTTP(S) request to a URL someone configured, under an
 * OutboundPolicy: the URL is checked first, and the addresses its name
 * resolves to are checked at connect time (node:http's `lookup`), so what is
 * checked is what is connected to. Redirects are never followed. Rejects with
 * DestinationRefusedError when the policy says no, and with the network or
 * abort error otherwise.
 */
export function outboundRequest(url: string, o: OutboundOptions): Promise<OutboundResponse> {
  o.policy.assertUrl(url);
  const u = new URL(url);
  const send = u.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      u,
      { method: o.method, headers: o.headers, signal: o.signal, lookup: o.policy.lookupFor(u.hostname) },
      (res) => {
        if (o.maxResponseBytes === 0) {
          res.resume();
          res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: "" }));
          res.on("error", reject);
          return;
        }
        const chunks: Buffer[] = [];
        let kept = 0;
        res.on("data", (d: Buffer) => {
          if (kept >= o.maxResponseBytes) return;
          chunks.push(d.subarray(0, o.maxResponseBytes - kept));
          kept += Math.min(d.length, o.maxResponseBytes - kept);
        });
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(o.body);
  });
}
