import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { SESSION_COOKIE, type ConsoleDeps, type ConsoleEnv } from "../context.js";
import { credentialStamp } from "./operators.js";
import type { ConsoleSession } from "./session.js";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Every console route but login: a valid session cookie whose key or operator
 * still exists (a revoked key or removed operator is signed out at once), and
 * on every state-changing request a CSRF token bound to that session, from
 * another origin never. Pages without a session go to the login page;
 * scripts get 401.
 */
export function requireSession(deps: ConsoleDeps): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    const signer = await deps.signer();
    const s = signer.verify(getCookie(c, SESSION_COOKIE), deps.services.clock.now());
    if (!s || !(await stillValid(deps, s))) {
      if (wantsJson(c) || c.req.path === "/console/events")
        return c.json({ error: { code: "unauthorized", message: "sign in to the console again" } }, 401);
      // A form posted after the session ended goes to the login page too; the action itself is not replayed.
      const url = new URL(SAFE.has(c.req.method) ? c.req.url : (sameSiteReferer(c) ?? "http://x/console/inbox"));
      return c.redirect(`/console/login?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
    }
    if (!SAFE.has(c.req.method)) {
      const token = c.req.header("x-csrf-token") ?? (await formField(c, "_csrf"));
      if (!sameOrigin(c) || !signer.checkCsrf(s, token)) {
        return c.text(
          "Forbidden: this request did not come from a console page of this session. Reload the page and try again.",
          403,
        );
      }
    }
    c.set("session", s);
    c.set("csrf", signer.csrfToken(s));
    await next();
  };
}

async function stillValid(deps: ConsoleDeps, s: ConsoleSession): Promise<boolean> {
  // Logged out, on this node or another one of the same store.
  if (await deps.sessions.isRevoked(s.sid)) return false;
  if (s.kind === "key") {
    const key = await deps.services.apiKeys.get(s.subject);
    return key !== null && key.revokedAt === null;
  }
  const op = await deps.operators.find(s.subject);
  return op !== null && credentialStamp(op) === s.stamp;
}

/** The Referer when it is a page of this host (where to come back to after signing in again). */
function sameSiteReferer(c: Context): string | null {
  const ref = c.req.header("referer");
  try {
    return ref && new URL(ref).host === (c.req.header("host") ?? new URL(c.req.url).host) ? ref : null;
  } catch {
    return null;
  }
}

/** False when the browser says the request came from another site (Origin, or Fetch Metadata). */
export function sameOrigin(c: Context): boolean {
  if (c.req.header("sec-fetch-site") === "cross-site") return false;
  const origin = c.req.header("origin");
  if (!origin) return true;
  try {
    return new URL(origin).host === (c.req.header("host") ?? new URL(c.req.url).host);
  } catch {
    return false;
  }
}

export function wantsJson(c: Context): boolean {
  return (c.req.header("accept") ?? "").includes("application/json");
}

/** A field of a urlencoded or multipart body (cached by Hono, so the handler can read the body again). */
export async function formField(c: Context, name: string): Promise<string | undefined> {
  const type = c.req.header("content-type") ?? "";
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type)) return undefined;
  const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
  const v = body[name];
  return typeof v === "string" ? v : undefined;
}
