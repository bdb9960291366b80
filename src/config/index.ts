export { configFromEnv, loadConfig, validate, type LoadConfigOptions, type LoadedConfig } from "./load.js";
export { configSchema, type ParleyConfig, type ParleyConfigInput } from "./schema.js";
export { readEnvConfig, type EnvConfig } from "./env.js";
export { runtimeFacts, type RuntimeFacts } from "./runtime.js";
export { knowledgeSection, type KnowledgeConfig } from "./sections/knowledge.js";
