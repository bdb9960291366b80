/**
 * The part of drachtio-srf we use, typed by us. drachtio-srf is JavaScript
 * with partial bundled typings; everything the driver touches goes through
 * these interfaces, and the one cast from the library happens in `loadSrf`.
 */

export interface SrfMessage {
  get(name: string): string | undefined;
  has(name: string): boolean;
  body: string;
  source_address: string;
  source_port: number | string;
  protocol: string;
}

export interface SrfRequest extends SrfMessage {
  method: string;
  uri: string;
  callId: string;
  on(event: "cancel", listener: () => void): void;
  cancel(callback?: (err: unknown) => void): void;
}

export interface SrfSendOptions {
  headers?: Record<string, string>;
  body?: string;
}

export interface SrfResponse {
  status?: number;
  reason?: string;
  finalResponseSent: boolean;
  send(status: number, reason: string, options?: SrfSendOptions): void;
  get?(name: string): string | undefined;
}

/** A response drachtio hands back for a request we sent. */
export interface SrfFinalResponse {
  status: number;
  reason: string;
  get(name: string): string | undefined;
  body?: string;
}

export interface SrfDialog {
  sip: { callId: string; localTag: string; remoteTag: string };
  local: { sdp: string; uri: string };
  remote: { sdp: string; uri: string };
  on(event: "destroy", listener: (msg?: SrfMessage) => void): void;
  on(event: "ack", listener: (req: SrfRequest) => void): void;
  once(event: "ack", listener: (req: SrfRequest) => void): void;
  on(event: "modify" | "info" | "notify", listener: (req: SrfRequest, res: SrfResponse) => void): void;
  destroy(options?: SrfSendOptions): Promise<unknown>;
  request(options: { method: string; headers?: Record<string, string>; body?: string }): Promise<SrfFinalResponse>;
}

/** A 401/407 drachtio-srf hands an `auth` function, with where it came from. */
export interface SrfChallenge extends SrfFinalResponse {
  source_address?: string;
  source_port?: number | string;
}

/** drachtio-srf's `auth` as a function: call back with credentials, or an error to answer nothing. */
export type SrfAuthCallback = (
  req: SrfRequest,
  res: SrfChallenge,
  callback: (err: Error | null, username?: string, password?: string) => void,
) => void;

export interface SrfProgress {
  cbRequest?: (err: unknown, req: SrfRequest) => void;
  cbProvisional?: (res: SrfFinalResponse) => void;
}

export interface SrfRequestOptions {
  method: string;
  headers?: Record<string, string>;
  body?: string;
  auth?: { username: string; password: string } | SrfAuthCallback;
  proxy?: string;
}

export interface SrfClient {
  connect(options: { host: string; port: number; secret: string }): void;
  disconnect(): void;
  on(event: "connect", listener: (err: Error | null, hostport: string) => void): void;
  on(event: "error", listener: (err: Error) => void): void;
  on(event: "disconnect", listener: () => void): void;
  invite(handler: (req: SrfRequest, res: SrfResponse) => void): void;
  options(handler: (req: SrfRequest, res: SrfResponse) => void): void;
  createUAS(
    req: SrfRequest,
    res: SrfResponse,
    options: { localSdp: string; headers?: Record<string, string> },
  ): Promise<SrfDialog>;
  createUAC(
    uri: string,
    options: {
      localSdp: string;
      headers?: Record<string, string>;
      auth?: { username: string; password: string } | SrfAuthCallback;
      proxy?: string;
    },
    progress?: SrfProgress,
  ): Promise<SrfDialog>;
  /**
   * An out-of-dialog request. Use the callback form: the callback runs as drachtio-server confirms the send,
   * before any response is read, whereas a listener added after the promise resolves can miss a fast response.
   */
  request(
    uri: string,
    options: SrfRequestOptions,
    callback: (
      err: Error | null,
      req: SrfRequest & { on(event: "response", listener: (res: SrfFinalResponse) => void): void },
    ) => void,
  ): unknown;
}

/** Loads drachtio-srf lazily (the embedded driver never pays for it) and creates a client. */
export async function loadSrf(): Promise<SrfClient> {
  const mod = (await import("drachtio-srf")) as unknown as { default: new () => unknown };
  return new mod.default() as SrfClient;
}
