import { SipError } from "../errors.js";
import type { Authenticator } from "./authenticator.js";
import { newBranch } from "./builders.js";
import type { UaContext } from "./context.js";
import type { DialogRequest } from "./dialog.js";
import type { SipRequest, SipResponse } from "./message.js";
import { resolveUri } from "./resolve.js";
import type { Endpoint, TransportName } from "./transport.js";

/** Sends a non-INVITE request in its own client transaction; resolves with the final response. */
export function sendAndWait(ctx: UaContext, request: SipRequest, target: Endpoint): Promise<SipResponse> {
  return new Promise<SipResponse>((resolve, reject) => {
    ctx.transactions.sendRequest(request, target, {
      onFinal: resolve,
      onTimeout: () => reject(new SipError(408, "Request Timeout", { details: { method: request.method } })),
      onTransportError: (err) =>
        reject(new SipError(503, "Service Unavailable", { cause: err, details: { method: request.method } })),
    });
  });
}

/**
 * Sends a request built by `build` (called again for every attempt: new branch,
 * new CSeq), answering up to two digest challenges. `flow` is an open TCP
 * connection to prefer over resolving the next hop (connection reuse).
 */
export async function requestWithAuth(
  ctx: UaContext,
  build: (branch: string) => DialogRequest,
  transport: TransportName,
  auth?: Authenticator,
  flow?: Endpoint,
): Promise<SipResponse> {
  for (let attempt = 0; ; attempt++) {
    const { request, hop } = build(newBranch());
    for (const [name, value] of auth?.headers(request.method, request.uri) ?? []) request.headers.push({ name, value });
    const target = flow && ctx.transport.hasConnection(flow) ? flow : await resolveUri(hop, transport, ctx.transports);
    const response = await sendAndWait(ctx, request, target);
    if (attempt < 2 && auth?.learn(response)) continue;
    return response;
  }
}
