import { Hono } from "hono";
import type { Services } from "../../server/services.js";
import type { OpenApiRegistry } from "../openapi/registry.js";

/** Every /v1 resource; each module describes its operations in the OpenAPI registry. */
export function v1Routes(services: Services, openapi: OpenApiRegistry): Hono {
  const v1 = new Hono();
  void services;
  void openapi;
  return v1;
}
