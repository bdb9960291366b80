import { Hono } from "hono";
import { z } from "zod";
import { JobNotFoundError } from "../../jobs/index.js";
import { KIND_PATTERN } from "../../jobs/new-job.js";
import type { ApiDeps } from "../deps.js";
import { JOB_STATUSES } from "../../store/repos/job-record.js";
import type { OpenApiRegistry } from "../openapi/registry.js";
import { idPageQuery, pageSchema } from "../pagination.js";
import { idParam, parseWith } from "../validate.js";
import { presentJob, presentJobEvent } from "./job-present.js";
import { jobDetailSchema, jobSchema } from "./job-schemas.js";

const tags = ["jobs"];
const listQuery = z.object({
  kind: z.string().regex(KIND_PATTERN, "a job kind, e.g. voicemail.process").optional(),
  status: z.enum(JOB_STATUSES).optional(),
  ...idPageQuery,
});

/** /v1/jobs: the durable queue for operators: list, inspect, retry, cancel. */
export function jobRoutes(services: ApiDeps, openapi: OpenApiRegistry): Hono {
  const app = new Hono();
  const { queue } = services;

  openapi.add("get", "/v1/jobs", {
    summary: "List jobs, newest first",
    tags,
    query: listQuery,
    response: pageSchema(jobSchema),
    responses: { 400: "Bad filter, cursor or limit" },
  });
  app.get("/", async (c) => {
    const q = parseWith(listQuery, c.req.query(), "query");
    const page = await queue.list({ kind: q.kind, status: q.status, cursor: q.cursor, limit: q.limit });
    return c.json({ items: page.jobs.map(presentJob), nextCursor: page.nextCursor });
  });

  openapi.add("get", "/v1/jobs/{id}", {
    summary: "Get a job with its audit trail (enqueued, claimed, failed, retried...)",
    tags,
    response: jobDetailSchema,
    responses: { 404: "No such job" },
  });
  app.get("/:id", async (c) => {
    const id = idParam(c);
    const job = await queue.get(id);
    if (!job) throw new JobNotFoundError(id);
    return c.json({ ...presentJob(job), events: (await queue.history(id)).map(presentJobEvent) });
  });

  openapi.add("post", "/v1/jobs/{id}/retry", {
    summary: "Run a dead, failed or cancelled job again now, with its attempts reset",
    tags,
    response: jobSchema,
    responses: { 404: "No such job", 409: "The job is queued, running or succeeded" },
  });
  app.post("/:id/retry", async (c) => c.json(presentJob(await queue.retry(idParam(c)))));

  openapi.add("post", "/v1/jobs/{id}/cancel", {
    summary: "Cancel a queued, failed or running job",
    description: "A running job's task is aborted; its worker's lease is void, so a late result is dropped.",
    tags,
    response: jobSchema,
    responses: { 404: "No such job", 409: "The job is already finished (succeeded, dead or cancelled)" },
  });
  app.post("/:id/cancel", async (c) => c.json(presentJob(await queue.cancel(idParam(c)))));

  return app;
}
