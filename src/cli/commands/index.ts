import type { Command } from "../types.js";
import { benchCommand } from "./bench.js";
import { configCommand } from "./config.js";
import { doctorCommand } from "./doctor.js";
import { keysCommand } from "./keys.js";
import { models } from "./models.js";
import { operatorsCommand } from "./operators.js";
import { serveCommand } from "./serve.js";
import { storeCommand } from "./store.js";
import { workerCommand } from "./worker.js";

/** Every `parley` verb, in the order `parley --help` lists them. */
export const commands: Command[] = [
  serveCommand,
  workerCommand,
  models,
  doctorCommand,
  configCommand,
  benchCommand,
  keysCommand,
  operatorsCommand(),
  storeCommand,
];
