import type { ParleyConfig } from "../config/index.js";
import { createLogger, type Logger } from "../lib/logger.js";
import { redactorFor } from "../agent/privacy-policy.js";

/**
 * The process's one logger, as the config asks: with `privacy.redact.logs`,
 * every line is masked under the global privacy rules before it is written.
 */
export function appLogger(config: ParleyConfig, destination?: NodeJS.WritableStream): Logger {
  const redact = config.privacy.redact.logs ? (redactorFor(config.privacy) ?? undefined) : undefined;
  return createLogger({ ...config.log, redact }, destination);
}
