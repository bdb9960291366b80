import { SipError } from "../errors.js";
import type { SrfClient, SrfFinalResponse, SrfRequestOptions } from "./srf-types.js";

/**
 * Sends an out-of-dialog request through drachtio-server and resolves with its
 * final response (drachtio-server owns retransmissions and answers 408 itself
 * on timeout). The response listener goes on inside drachtio-srf's send
 * callback: the confirmation of the send and a quick response (a 401 sent back
 * at once) can arrive in one read, and a listener added after an awaited
 * promise would miss the response.
 */
export function requestFinal(srf: SrfClient, uri: string, options: SrfRequestOptions): Promise<SrfFinalResponse> {
  return new Promise<SrfFinalResponse>((resolve, reject) => {
    srf.request(uri, options, (err, req) => {
      if (err)
        return reject(
          new SipError(503, "Service Unavailable", {
            cause: err,
            details: { method: options.method, why: err.message },
          }),
        );
      req.on("response", (res) => {
        if (res.status >= 200) resolve(res);
      });
    });
  });
}
