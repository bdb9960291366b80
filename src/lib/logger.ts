import { pino, type Logger, type LoggerOptions } from "pino";

export type { Logger };

export interface LoggerConfig {
  level: string;
}

/**
 * Structured JSON logs on stderr (stdout stays free for CLI output and --json). Personal data (numbers, transcripts) goes only in named
 * fields, so it can be redacted by path; `redact` lists the fields we mask.
 */
export function createLogger(config: LoggerConfig, destination?: NodeJS.WritableStream): Logger {
  const options: LoggerOptions = {
    level: config.level,
    base: { service: "parley" },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ["apiKey", "secret", "password", "*.apiKey", "*.secret", "*.password", "authorization"], censor: "[redacted]" },
  };
  if (destination) return pino(options, destination);
  return pino(options, pino.destination({ dest: 2, sync: false }));
}

/** A logger that drops everything (library use, benches). */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
