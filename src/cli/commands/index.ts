import type { Command } from "../types.js";

/** Every `parley` verb, in the order `parley --help` lists them. */
export const commands: Command[] = [];
