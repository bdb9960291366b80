/**
 * One error type for the whole server. `code` is a stable machine-readable
 * name, `status` the HTTP status it maps to, `retryable` whether a job or a
 * caller may try again. Follows hono's HTTPException(status, {message, cause}).
 */
export interface ParleyErrorOptions {
  status?: number;
  retryable?: boolean;
  cause?: unknown;
  details?: Record<string, unknown>;
}

export class ParleyError extends Error {
  readonly code: string;
  readonly status: number;
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, options: ParleyErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ParleyError";
    this.code = code;
    this.status = options.status ?? 500;
    this.retryable = options.retryable ?? false;
    this.details = options.details;
  }
}

/** Configuration that cannot be used; names the field and the reason. */
export class ConfigError extends ParleyError {
  constructor(message: string, options: ParleyErrorOptions = {}) {
    super("config_invalid", message, { status: 500, ...options });
    this.name = "ConfigError";
  }
}

/** A model that is not installed, or installed but unusable. */
export class ModelError extends ParleyError {
  constructor(code: string, message: string, options: ParleyErrorOptions = {}) {
    super(code, message, { status: 503, ...options });
    this.name = "ModelError";
  }
}

/** Thrown (or rejected with) when an AbortSignal fires. */
export class AbortError extends Error {
  constructor(reason?: unknown) {
    super(typeof reason === "string" ? reason : "The operation was aborted", { cause: reason });
    this.name = "AbortError";
  }
}

export function isAbortError(err: unknown): boolean {
  return err instanceof Error && (err.name === "AbortError" || (err as { code?: string }).code === "ABORT_ERR");
}

/** A short, single-line description of any thrown value, for logs and CLI output. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message.split("\n")[0] ?? err.name;
  return String(err);
}
