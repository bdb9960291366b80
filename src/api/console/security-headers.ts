import type { MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";

/**
 * Headers on every console response, through hono's secure-headers: a strict
 * Content Security Policy (no inline script or style, so even an escaping
 * bug could not run script; the console needs no nonces), no framing
 * (clickjacking), no MIME sniffing, and hono's other safe defaults
 * (cross-origin opener and resource policy same-origin, no DNS prefetch).
 * HSTS is left to whoever terminates TLS: Parley often serves plain HTTP on a
 * LAN, and an HSTS header behind a company's proxy would bind its subdomains.
 */
const headers = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", "data:"],
    mediaSrc: ["'self'"],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
  xFrameOptions: "DENY",
  referrerPolicy: "same-origin",
  strictTransportSecurity: false,
});

/** The console's security headers; pages are not cached either, since they hold callers' personal data. */
export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await headers(c, async () => {
      await next();
      if (!c.res.headers.has("cache-control")) c.res.headers.set("cache-control", "no-store");
    });
  };
}
