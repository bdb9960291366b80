import { request, type OutgoingHttpHeaders } from "node:http";

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * One HTTP request over a fresh connection from a chosen loopback source
 * address (127.0.0.2, 127.0.0.3 ...): Linux answers the whole 127/8, so a
 * test can play several clients that a server tells apart by address.
 */
export function httpFrom(
  url: string,
  o: {
    localAddress?: string;
    method?: string;
    headers?: OutgoingHttpHeaders;
    body?: string | Buffer;
    timeoutMs?: number;
  } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: o.method ?? "GET",
        headers: o.headers,
        localAddress: o.localAddress ?? "127.0.0.1",
        agent: false,
        timeout: o.timeoutMs ?? 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (d: Buffer) => chunks.push(d));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${o.method ?? "GET"} ${url} timed out`)));
    req.on("error", reject);
    req.end(o.body);
  });
}

/** The `name=value` pairs of an answer's Set-Cookie headers, as one Cookie header. */
export function cookieHeader(a: HttpAnswer): string {
  const set = a.headers["set-cookie"] ?? [];
  return (Array.isArray(set) ? set : [set]).map((c) => c.split(";")[0]).join("; ");
}

/** Fetches the console login page from `localAddress` and returns a ready-to-post sign-in (cookie and form token). */
export async function loginForm(
  baseUrl: string,
  localAddress: string,
  timeoutMs = 30_000,
): Promise<(fields: Record<string, string>) => Promise<HttpAnswer>> {
  const page = await httpFrom(`${baseUrl}/console/login`, { localAddress, timeoutMs });
  const token = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
  if (!token) throw new Error(`no sign-in form at ${baseUrl}/console/login (status ${page.status})`);
  const cookie = cookieHeader(page);
  return (fields) =>
    httpFrom(`${baseUrl}/console/login`, {
      localAddress,
      timeoutMs,
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: token, next: "/console/inbox", ...fields }).toString(),
    });
}
