/**
 * Writes one deterministic test model.
 *   npx tsx scripts/make-test-models.ts <name> <outDir> [argsJson] [--json]
 * Names: scripted-llm, tone-asr-streaming, tone-asr-batch, tone-tts, hashed-embed. Without
 * argsJson the tiny profile's defaults are used.
 */
import { stat } from "node:fs/promises";
import { generateTestModel, isTestModelName, testModelNames } from "./test-models/index.js";

const USAGE = `usage: make-test-models <${testModelNames.join("|")}> <outDir> [argsJson] [--json]`;

function fail(reason: string): never {
  process.stderr.write(`make-test-models: ${reason}\n`);
  process.exit(1);
}

function parseArgs(json: string | undefined): Record<string, unknown> {
  if (json === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    fail(`argsJson is not valid JSON: ${json}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail("argsJson must be a JSON object");
  return value as Record<string, unknown>;
}

async function main(argv: string[]): Promise<void> {
  const asJson = argv.includes("--json");
  const [name, outDir, argsJson] = argv.filter((a) => a !== "--json");
  if (name === undefined || outDir === undefined) fail(USAGE);
  if (!isTestModelName(name)) fail(`unknown test model ${JSON.stringify(name)}\n${USAGE}`);
  const started = performance.now();
  const { files } = await generateTestModel(name, parseArgs(argsJson), outDir);
  const rows = await Promise.all(files.map(async (path) => ({ path, bytes: (await stat(path)).size })));
  if (asJson) {
    process.stdout.write(JSON.stringify({ name, files: rows, ms: Math.round(performance.now() - started) }) + "\n");
    return;
  }
  const width = Math.max(...rows.map((r) => r.path.length));
  for (const r of rows) process.stdout.write(`${r.path.padEnd(width)}  ${String(r.bytes).padStart(10)} bytes\n`);
}

main(process.argv.slice(2)).catch((err: unknown) =>
  fail(err instanceof Error ? (err.message.split("\n")[0] ?? err.name) : String(err)),
);
