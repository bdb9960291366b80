import { z } from "zod";
import { JobNotFoundError } from "../../jobs/index.js";
import { KIND_PATTERN } from "../../jobs/new-job.js";
import type { ApiDeps } from "../deps.js";
import { JOB_STATUSES } from "../../store/repos/job-record.js";
import { apiRouter, idParams, ok, route } from "../openapi/route.js";
import { idPageQuery, pageSchema } from "../pagination.js";
import { idParam } from "../validate.js";
import { presentJob, presentJobEvent } from "./job-present.js";
import { jobDetailSchema, jobSchema } from "./job-schemas.js";

const tags = ["jobs"];
const listQuery = z.object({
  kind: z.string().regex(KIND_PATTERN, "a job kind, e.g. voicemail.process").optional(),
  status: z.enum(JOB_STATUSES).optional(),
  ...idPageQuery,
});

const list = route({
  method: "get",
  path: "/",
  summary: "List jobs, newest first",
  tags,
  request: { query: listQuery },
  responses: { 200: ok(pageSchema(jobSchema)) },
  errors: { 400: "Bad filter, cursor or limit" },
});
const get = route({
  method: "get",
  path: "/{id}",
  summary: "Get a job with its audit trail (enqueued, claimed, failed, retried...)",
  tags,
  request: { params: idParams },
  responses: { 200: ok(jobDetailSchema) },
  errors: { 404: "No such job" },
});
const retry = route({
  method: "post",
  path: "/{id}/retry",
  summary: "Run a dead, failed or cancelled job again now, with its attempts reset",
  tags,
  request: { params: idParams },
  responses: { 200: ok(jobSchema) },
  errors: { 404: "No such job", 409: "The job is queued, running or succeeded" },
});
const cancel = route({
  method: "post",
  path: "/{id}/cancel",
  summary: "Cancel a queued, failed or running job",
  description: "A running job's task is aborted; its worker's lease is void, so a late result is dropped.",
  tags,
  request: { params: idParams },
  responses: { 200: ok(jobSchema) },
  errors: { 404: "No such job", 409: "The job is already finished (succeeded, dead or cancelled)" },
});

/** /v1/jobs: the durable queue for operators: list, inspect, retry, cancel. */
export function jobRoutes(services: Pick<ApiDeps, "queue">) {
  const app = apiRouter();
  const { queue } = services;

  app.openapi(list, async (c) => {
    const q = c.req.valid("query");
    const page = await queue.list({ kind: q.kind, status: q.status, cursor: q.cursor, limit: q.limit });
    return c.json({ items: page.jobs.map(presentJob), nextCursor: page.nextCursor }, 200);
  });

  app.openapi(get, async (c) => {
    const id = idParam(c);
    const job = await queue.get(id);
    if (!job) throw new JobNotFoundError(id);
    return c.json({ ...presentJob(job), events: (await queue.history(id)).map(presentJobEvent) }, 200);
  });

  app.openapi(retry, async (c) => c.json(presentJob(await queue.retry(idParam(c))), 200));
  app.openapi(cancel, async (c) => c.json(presentJob(await queue.cancel(idParam(c))), 200));
  return app;
}
