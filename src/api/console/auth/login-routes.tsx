import { randomBytes } from "node:crypto";
import { getConnInfo } from "@hono/node-server/conninfo";
import { Hono, type Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { verifyApiKey } from "../../auth/api-keys.js";
import { LOGIN_COOKIE, SESSION_COOKIE, type ConsoleDeps, type ConsoleEnv } from "../context.js";
import type { ConsoleMetrics } from "../metrics.js";
import { LoginPage } from "../views/login.js";
import { documentHtml } from "../views/layout.js";
import { formField, requireSession, sameOrigin } from "./guard.js";
import { credentialStamp } from "./operators.js";
import type { ConsoleSession } from "./session.js";

/** GET/POST /console/login and POST /console/logout. */
export function loginRoutes(deps: ConsoleDeps, metrics: ConsoleMetrics): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  const { services } = deps;

  app.get("/login", async (c) => c.html(await loginPage(c, deps, safeNext(c.req.query("next")))));

  app.post("/login", async (c) => {
    const field = (name: string) => formField(c, name);
    const next = safeNext(await field("next"));
    const client = clientAddress(c);
    if (!sameOrigin(c) || !(await deps.signer()).checkLoginToken(getCookie(c, LOGIN_COOKIE), await field("_csrf"))) {
      metrics.login("any", "bad_form");
      return c.html(await loginPage(c, deps, next, "The sign-in form expired. Please try again."), 403);
    }
    const method = (await field("method")) === "key" ? "key" : "operator";
    const name = (await field("name")) ?? "";
    const secret = (method === "key" ? await field("key") : await field("password")) ?? "";
    // Counted here, before any hashing, in one synchronous step with the check: parallel attempts cannot all slip through.
    const startedAt = services.clock.now();
    const wait = deps.limiter.begin(client, startedAt);
    if (wait > 0) {
      metrics.login(method, "rate_limited");
      c.header("retry-after", String(Math.ceil(wait / 1000)));
      return c.html(
        await loginPage(
          c,
          deps,
          next,
          `Too many sign-in attempts from your address. Try again in ${Math.ceil(wait / 60_000)} minute(s).`,
        ),
        429,
      );
    }
    const who = method === "key" ? await keySession(deps, secret) : await operatorSession(deps, name, secret);
    if (who === "busy") {
      deps.limiter.refund(client, startedAt);
      metrics.login(method, "busy");
      c.header("retry-after", "1");
      return c.html(
        await loginPage(c, deps, next, "The server is busy with other sign-ins. Try again in a moment.", name),
        429,
      );
    }
    if (!who) {
      metrics.login(method, "failed");
      services.logger.warn({ method, client }, "console sign-in failed");
      const error = method === "key" ? "That API key is unknown or revoked." : "Wrong name or password.";
      return c.html(await loginPage(c, deps, next, error, method === "operator" ? name : ""), 401);
    }
    deps.limiter.refund(client, startedAt);
    const { value } = (await deps.signer()).issue(who, services.clock.now(), deps.sessionTtlMs);
    setCookie(c, SESSION_COOKIE, value, {
      httpOnly: true,
      sameSite: "Strict",
      secure: isHttps(c),
      path: "/console",
      maxAge: Math.floor(deps.sessionTtlMs / 1000),
    });
    deleteCookie(c, LOGIN_COOKIE, { path: "/console/login" });
    metrics.login(method, "ok");
    services.logger.info({ method, subject: who.subject }, "console sign-in");
    return c.redirect(next, 303);
  });

  app.post("/logout", requireSession(deps), async (c) => {
    const session = c.get("session");
    await deps.sessions.revoke(session.sid, session.exp, services.clock.now());
    deleteCookie(c, SESSION_COOKIE, { path: "/console", secure: isHttps(c) });
    return c.redirect("/console/login", 303);
  });
  return app;
}

/** The login page with a fresh login-CSRF nonce in its own short-lived cookie. */
async function loginPage(
  c: Context,
  deps: ConsoleDeps,
  next: string,
  error: string | null = null,
  name = "",
): Promise<string> {
  const nonce = randomBytes(18).toString("base64url");
  setCookie(c, LOGIN_COOKIE, nonce, {
    httpOnly: true,
    sameSite: "Strict",
    secure: isHttps(c),
    path: "/console/login",
    maxAge: 3600,
  });
  return documentHtml(
    <LoginPage token={(await deps.signer()).loginToken(nonce)} next={next} error={error} name={name} />,
  );
}

type Who = Omit<ConsoleSession, "sid" | "exp">;

async function keySession(deps: ConsoleDeps, presented: string): Promise<Who | null> {
  const key = await verifyApiKey(deps.services.apiKeys, presented);
  if (!key) return null;
  await deps.services.apiKeys.touch(key.id, deps.services.clock.now());
  return { kind: "key", subject: key.id, label: `key ${key.name}`, stamp: "" };
}

/** The operator's session, null for a wrong name or password, or "busy" when too many hashes are running and waiting. */
async function operatorSession(deps: ConsoleDeps, name: string, password: string): Promise<Who | null | "busy"> {
  if (name.length > 64 || password.length > 1024) return null;
  const release = await deps.hashing.enter();
  if (!release) return "busy";
  try {
    const op = await deps.operators.authenticate(name, password);
    return op ? { kind: "operator", subject: op.name, label: op.name, stamp: credentialStamp(op) } : null;
  } finally {
    release();
  }
}

/** Only paths inside the console: `next` must not send a fresh session to another site. */
export function safeNext(next: string | undefined): string {
  if (
    !next ||
    !/^\/console(\/[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*)?$/.test(next) ||
    next.startsWith("/console/login") ||
    next.startsWith("/console/logout")
  )
    return "/console";
  return next;
}

/** The socket's peer address; proxies' X-Forwarded-For is not trusted (anyone can send it). */
function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown"; // app.request() in tests has no socket
  }
}

export function isHttps(c: Context): boolean {
  return (
    new URL(c.req.url).protocol === "https:" || c.req.header("x-forwarded-proto")?.split(",")[0]?.trim() === "https"
  );
}
