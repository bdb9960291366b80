import { pino, type Logger, type LoggerOptions } from "pino";

export type { Logger };

/** Masks personal data in what is logged (a PII Redactor from src/lib/pii fits). */
export interface LogRedactor {
  text(text: string): string;
  value<T>(value: T): T;
}

export interface LoggerConfig {
  level: string;
  /**
   * Opt-in (`privacy.redact.logs`): every message, argument, field and child
   * binding goes through it before the line is written. Off by default: it
   * scans every line, and personal data belongs in named fields anyway.
   */
  redact?: LogRedactor | undefined;
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
    redact: {
      paths: ["apiKey", "secret", "password", "*.apiKey", "*.secret", "*.password", "authorization"],
      censor: "[redacted]",
    },
  };
  if (config.redact) Object.assign(options, piiHooks(config.redact));
  if (destination) return pino(options, destination);
  return pino(options, pino.destination({ dest: 2, sync: false }));
}

/**
 * Masks each finished line: the message (after interpolation), every field,
 * serialised errors and the bindings of child loggers, which no earlier pino
 * hook sees. Lines are pino's own JSON, so parsing them back is safe.
 */
function piiHooks(r: LogRedactor): Pick<LoggerOptions, "hooks"> {
  return {
    hooks: {
      streamWrite(line) {
        try {
          return `${JSON.stringify(r.value(JSON.parse(line) as unknown))}\n`;
        } catch {
          return `${r.text(line.trimEnd())}\n`;
        }
      },
    },
  };
}

/** A logger that drops everything (library use, benches). */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
