import type { Context, ErrorHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ParleyError } from "../../lib/errors.js";
import { DiskFullError, isDiskFull } from "../../store/errors.js";
import type { Logger } from "../../lib/logger.js";
import { wantsJson } from "./auth/guard.js";
import { documentHtml } from "./views/layout.js";

/** A plain page for errors: no navigation (the session may be the problem), a way back. */
function ErrorPage(p: { status: number; message: string }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${p.status} · Parley console`}</title>
        <link rel="stylesheet" href="/console/assets/console.css" />
      </head>
      <body class="login-body">
        <main id="main" class="login">
          <h1>{p.status === 404 ? "Not found" : p.status >= 500 ? "Something went wrong" : "That did not work"}</h1>
          <p class="notice error" role="alert">
            {p.message}
          </p>
          <p>
            <a href="/console/inbox">Back to the console</a>
          </p>
        </main>
      </body>
    </html>
  );
}

export async function errorPage(c: Context, status: ContentfulStatusCode, message: string): Promise<Response> {
  if (wantsJson(c)) return c.json({ error: { code: status === 404 ? "not_found" : "error", message } }, status);
  return c.html(await documentHtml(<ErrorPage status={status} message={message} />), status);
}

/** Console errors as pages (scripts asking for JSON get JSON); internal details only in the log. */
export function consoleErrorHandler(logger: Logger): ErrorHandler {
  return (thrown, c) => {
    const err = isDiskFull(thrown) && !(thrown instanceof DiskFullError) ? new DiskFullError(thrown) : thrown;
    if (err instanceof ParleyError) return errorPage(c, err.status as ContentfulStatusCode, err.message);
    if (err instanceof HTTPException) return errorPage(c, err.status, err.message || "request rejected");
    logger.error({ err: err.message, stack: err.stack, path: c.req.path }, "console request failed");
    return errorPage(c, 500, "Internal error; the server log has the details.");
  };
}
