import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What the receiver does with a request: answer with a status, or never answer. */
export type Reply = number | { status: number; headers?: Record<string, string> } | "hang";

export interface Receiver {
  /** An absolute URL on this receiver. */
  url: (path: string) => string;
  requests: ReceivedRequest[];
  /** Requests to one path. */
  to: (path: string) => ReceivedRequest[];
  /** Answers for a path, used in order; the last one repeats. Paths without a script get 200. */
  script: (path: string, replies: Reply[]) => void;
  close: () => Promise<void>;
}

/** A real HTTP server on 127.0.0.1, port 0: the webhook receiver of the tests. */
export async function startReceiver(): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const scripts = new Map<string, Reply[]>();
  const hanging: ServerResponse[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "/";
      requests.push({
        method: req.method ?? "",
        path,
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      const script = scripts.get(path) ?? [];
      const reply: Reply = (script.length > 1 ? script.shift() : script[0]) ?? 200;
      if (reply === "hang") {
        hanging.push(res);
        return;
      }
      const { status, headers } = typeof reply === "number" ? { status: reply, headers: {} } : reply;
      res.writeHead(status, { "content-type": "text/plain", ...headers }).end(`status ${status}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    requests,
    to: (path) => requests.filter((r) => r.path === path),
    script: (path, replies) => void scripts.set(path, [...replies]),
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
