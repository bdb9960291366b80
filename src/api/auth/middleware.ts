import type { MiddlewareHandler } from "hono";
import type { Clock } from "../../lib/clock.js";
import type { ApiKeysRepo } from "../../store/repos/api-keys-repo.js";
import { errorBody } from "../errors.js";
import { verifyApiKey } from "./api-keys.js";

const TOUCH_EVERY_MS = 60_000; // last_used_at is for humans: one write a minute per key is plenty

/** Every /v1 route needs a key: `Authorization: Bearer pk_...` or `X-API-Key: pk_...`. */
export function requireApiKey(repo: ApiKeysRepo, clock: Clock): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header("authorization");
    const presented = header?.toLowerCase().startsWith("bearer ")
      ? header.slice(7)
      : (c.req.header("x-api-key") ?? c.req.query("api_key"));
    if (!presented)
      return c.json(
        errorBody(
          "unauthorized",
          "an API key is required: send Authorization: Bearer <key> (create one with `parley keys create`)",
        ),
        401,
      );
    const key = await verifyApiKey(repo, presented);
    if (!key) return c.json(errorBody("unauthorized", "the API key is unknown or revoked"), 401);
    const now = clock.now();
    if (key.lastUsedAt === null || now - key.lastUsedAt > TOUCH_EVERY_MS) await repo.touch(key.id, now);
    c.set("apiKeyId" as never, key.id as never);
    await next();
  };
}
