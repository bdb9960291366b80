/** The shapes of SDP negotiation (codecs, direction, the negotiated media), apart so sdp.ts and sdp-build.ts share them without a cycle. */

export type G711Codec = "PCMU" | "PCMA";
export type MediaDirection = "sendrecv" | "sendonly" | "recvonly" | "inactive";

/** What we can do; the order here does not matter, the offerer's does. */
export interface SdpCapabilities {
  codecs: readonly G711Codec[];
  telephoneEvent: boolean;
}

export const DEFAULT_CAPABILITIES: SdpCapabilities = { codecs: ["PCMU", "PCMA"], telephoneEvent: true };

/** An m= line of the offer that we did not take; the answer must repeat it with port 0. */
export interface OfferedLine {
  type: string;
  protocol: string;
  payloads: string;
}

/** The outcome of negotiating one audio stream. */
export interface NegotiatedMedia {
  codec: { name: G711Codec; payloadType: number; clockRate: 8000 };
  telephoneEvent: { payloadType: number; events: string } | null;
  /** Where to send RTP. On hold this may be 0.0.0.0: send nothing. */
  remote: { address: string; port: number; ipVersion: 4 | 6 };
  ptime: number;
  /** The direction the remote side declared for itself. */
  direction: MediaDirection;
  /** The direction we answer with (the mirror of `direction`). */
  answerDirection: MediaDirection;
  /** True for every hold form: a=sendonly, a=inactive, c=0.0.0.0. */
  hold: boolean;
  /** Index of the chosen m= line, and every m= line in order (to reject the others). */
  mediaIndex: number;
  lines: OfferedLine[];
}
