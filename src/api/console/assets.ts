import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { Hono } from "hono";

const TYPES: Record<string, string> = {
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  svg: "image/svg+xml",
};
const NAME = /^[a-z0-9-]+\.(js|css|svg)$/;
const DIR = new URL("./assets/", import.meta.url);

/**
 * The console's static files (src/api/console/assets, copied to dist by
 * scripts/copy-assets.mjs). Only plain names from that one folder are served;
 * an ETag lets browsers revalidate cheaply after an upgrade.
 */
export function assetRoutes(): Hono {
  const app = new Hono();
  const cache = new Map<string, { body: string; etag: string }>();
  app.get("/:name", async (c) => {
    const name = c.req.param("name");
    const ext = NAME.exec(name)?.[1];
    if (!ext) return c.text("not found", 404);
    let file = cache.get(name);
    if (!file) {
      const body = await readFile(new URL(name, DIR), "utf8").catch(() => null);
      if (body === null) return c.text("not found", 404);
      file = { body, etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 16)}"` };
      cache.set(name, file);
    }
    const headers = { etag: file.etag, "cache-control": "no-cache" };
    if (c.req.header("if-none-match") === file.etag) return c.body(null, 304, headers);
    return c.body(file.body, 200, { ...headers, "content-type": TYPES[ext] ?? "application/octet-stream" });
  });
  return app;
}
