import os from "node:os";

/**
 * Facts about the process environment that other modules need but must not
 * read from `process.env` themselves (STYLE habit 8).
 */
export interface RuntimeFacts {
  /** Logical CPUs. */
  cpus: number;
  /** Best guess at physical cores: llama.cpp slows down badly on hyper-threads. */
  physicalCores: number;
  /** True when stdout is a terminal (progress bars, tables). */
  interactive: boolean;
}

export function runtimeFacts(env: NodeJS.ProcessEnv = process.env): RuntimeFacts {
  const cpus = os.availableParallelism();
  return {
    cpus,
    physicalCores: Math.max(1, cpus > 2 ? Math.floor(cpus / 2) : cpus),
    interactive: Boolean(process.stdout.isTTY) && env.CI === undefined,
  };
}

/** The process environment, handed to the CLI once at start; nothing else reads process.env. */
export function processEnvironment(): NodeJS.ProcessEnv {
  return process.env;
}
