import type { Hono } from "hono";

/** A signed-in console client over `app.request()`: the session cookie and the page's CSRF token. */
export interface ConsoleClient {
  cookie: string;
  csrf: string;
  get(path: string, init?: RequestInit): Promise<Response>;
  /** A form POST carrying the CSRF token (unless `_csrf` is given). */
  post(path: string, fields: Record<string, string>, headers?: Record<string, string>): Promise<Response>;
}

/** The `name=value` of each Set-Cookie, joined as a Cookie header (attributes dropped). */
export function cookiesOf(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

export function csrfOf(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html) ?? /name="csrf-token" content="([^"]+)"/.exec(html);
  if (!m?.[1]) throw new Error("no CSRF token in the page");
  return m[1];
}

/** Opens the login page and posts the form; returns the raw answer (a 303 with the session cookie on success). */
export async function submitLogin(
  app: Hono,
  fields: Record<string, string>,
  base = "http://localhost",
): Promise<Response> {
  const page = await app.request(`${base}/console/login`);
  const token = csrfOf(await page.text());
  return app.request(`${base}/console/login`, {
    method: "POST",
    headers: { cookie: cookiesOf(page), "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ _csrf: token, next: "/console/inbox", ...fields }),
  });
}

/** Signs in with an API key or an operator account and reads the CSRF token off the inbox. */
export async function consoleClient(
  app: Hono,
  who: { key: string } | { name: string; password: string },
): Promise<ConsoleClient> {
  const res = await submitLogin(app, "key" in who ? { method: "key", key: who.key } : { method: "operator", ...who });
  if (res.status !== 303) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const cookie = cookiesOf(res)
    .split("; ")
    .filter((c) => c.startsWith("parley_session="))
    .join("; ");
  const inbox = await app.request("/console/inbox", { headers: { cookie } });
  const csrf = csrfOf(await inbox.text());
  return {
    cookie,
    csrf,
    get: (path, init = {}) =>
      Promise.resolve(app.request(path, { ...init, headers: { cookie, ...(init.headers as Record<string, string>) } })),
    post: (path, fields, headers = {}) =>
      Promise.resolve(
        app.request(path, {
          method: "POST",
          headers: { cookie, "content-type": "application/x-www-form-urlencoded", ...headers },
          body: new URLSearchParams({ _csrf: csrf, ...fields }),
        }),
      ),
  };
}
