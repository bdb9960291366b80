import { resolve } from "node:path";
import { configFromFlags, commonOptions, parseFlags } from "../flags.js";
import { formatBytes, printJson, printTable } from "../output.js";
import { ProgressBar } from "../progress.js";
import { CliError, type CliContext, type Command } from "../types.js";
import {
  catalogForConfig,
  describeProblem,
  exportBundle,
  importBundle,
  ModelStore,
  pull,
  verifyInstalled,
  type CatalogModel,
  type ModelCatalog,
  type PullEvent,
  type VerifyReport,
} from "../../models/index.js";
import { profileRoles } from "../../models/catalog-schema.js";

const usage = `Usage: parley models <subcommand> [options]

Subcommands:
  list [--profile P]               catalog models, whether installed, size, kind, profiles using them,
                                   what each load double stands in for; then the profiles' models
  pull <id|profile> [--mirror URL] [--force]
                                   download and install a model or all five models of a profile
  verify [id...]                   re-hash installed models against their manifests and the catalog
  export <profile> <bundle.tar>    write a profile's installed models into one tar for an air-gapped site
  import <bundle.tar>              verify and install the models of a bundle
  rm <id>                          remove an installed model

Options (all subcommands):
  --config FILE    config file (default ./parley.yaml)
  --data-dir DIR   data directory (models live in <dir>/models unless models.dir is set)
  --json           machine-readable output on stdout
`;

const pullOptions = {
  ...commonOptions,
  mirror: { type: "string" },
  force: { type: "boolean", default: false },
} as const;

interface Session {
  catalog: ModelCatalog;
  store: ModelStore;
  json: boolean;
  mirror: string | undefined;
}

function open(
  ctx: CliContext,
  values: {
    config?: string | undefined;
    "data-dir"?: string | undefined;
    json?: boolean | undefined;
    mirror?: string | undefined;
  },
): Session {
  const { config } = configFromFlags(ctx, values, values.mirror ? { models: { mirror: values.mirror } } : {});
  return {
    catalog: catalogForConfig(config, ctx.cwd),
    store: ModelStore.forConfig(config),
    json: values.json === true,
    mirror: config.models.mirror,
  };
}

async function list(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parseFlags(args, commonOptions, false);
  const s = open(ctx, values);
  const installed = new Map((await s.store.list()).map((m) => [m.id, m]));
  const wanted = values.profile
    ? new Set((s.catalog.resolveProfile(values.profile), s.catalog.profileModelIds(values.profile)))
    : null;
  const rows = s.catalog.models
    .filter((m) => !wanted || wanted.has(m.id))
    .map((m) => ({
      id: m.id,
      kind: m.kind,
      engine: m.engine,
      source: sourceOf(m),
      sizeBytes: m.sizeBytes,
      license: m.license,
      languages: m.languages,
      description: m.description,
      installed: installed.has(m.id),
      installedAt: installed.get(m.id)?.installedAt ?? null,
      profiles: s.catalog.profilesUsing(m.id),
      standsInFor: m.standsInFor ?? null,
    }));
  // Installed models the catalog no longer describes still take space: show them too.
  if (!wanted) {
    for (const m of installed.values()) {
      if (s.catalog.findModel(m.id)) continue;
      const bytes = m.files.reduce((n, f) => n + f.size, 0);
      rows.push({
        id: m.id,
        kind: m.kind,
        engine: m.engine,
        source: m.source.type,
        sizeBytes: bytes,
        license: "",
        languages: [],
        description: "(not in the catalog)",
        installed: true,
        installedAt: m.installedAt,
        profiles: [],
        standsInFor: null,
      });
    }
  }
  const profileNames = values.profile ? [s.catalog.resolveProfile(values.profile).name] : s.catalog.profileNames;
  const profiles = profileNames.map((name) => {
    const { profile, models } = s.catalog.resolveProfile(name);
    const doubles = Object.values(models).filter((m) => m.standsInFor !== undefined).length;
    const ids = Object.fromEntries(profileRoles.flatMap((role) => (models[role] ? [[role, models[role].id]] : [])));
    return {
      name,
      description: profile.description,
      models: ids as Partial<Record<(typeof profileRoles)[number], string>>,
      languages: profile.languages ?? {},
      doubles,
    };
  });
  if (s.json) printJson(ctx, { modelsDir: s.store.root, models: rows, profiles });
  else {
    printTable(ctx, rows, [
      { header: "ID", value: (r) => r.id },
      { header: "KIND", value: (r) => r.kind },
      { header: "ENGINE", value: (r) => r.engine },
      {
        header: "SIZE",
        value: (r) =>
          r.source === "generator"
            ? r.sizeBytes > 0
              ? `generated ~${formatBytes(r.sizeBytes)}`
              : "generated"
            : formatBytes(r.sizeBytes),
        align: "right",
      },
      { header: "INSTALLED", value: (r) => (r.installed ? "yes" : "no") },
      { header: "PROFILES", value: (r) => r.profiles.join(",") || "-" },
      // What an operator must honour before shipping a voice or a model (Llama's terms, a CC-BY-SA voice, GPL data).
      { header: "LICENSE", value: (r) => r.license || "-" },
      // Only when a listed model is a load double: what it stands in for.
      ...(rows.some((r) => r.standsInFor)
        ? [{ header: "STANDS IN FOR", value: (r: (typeof rows)[number]) => r.standsInFor ?? "-" }]
        : []),
    ]);
    ctx.stdout.write("\n");
    printTable(ctx, profiles, [
      { header: "PROFILE", value: (p) => p.name },
      ...profileRoles.map((role) => ({
        header: role.toUpperCase(),
        value: (p: (typeof profiles)[number]) => p.models[role] ?? "-",
      })),
    ]);
  }
  return 0;
}

async function pullCommand(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseFlags(args, pullOptions);
  const target = single(positionals, "pull <id|profile>");
  const s = open(ctx, values);
  const progress = new PullProgress(ctx);
  const result = await pull(target, {
    catalog: s.catalog,
    store: s.store,
    mirror: s.mirror,
    force: values.force,
    signal: ctx.signal,
    onEvent: (e) => progress.on(e),
  });
  progress.done();
  if (s.json) printJson(ctx, { target, ...result });
  else
    ctx.stdout.write(
      `${result.installed.length} installed, ${result.skipped.length} already installed (${s.store.root})\n`,
    );
  return 0;
}

/** Turns pull events into one progress bar per file on stderr. */
class PullProgress {
  private bar: { key: string; bar: ProgressBar; done: number } | null = null;
  constructor(private readonly ctx: CliContext) {}

  on(e: PullEvent): void {
    if (e.type === "file:progress") {
      const key = `${e.id}/${e.file}`;
      if (this.bar?.key !== key) {
        this.done();
        this.bar = { key, bar: new ProgressBar(this.ctx.stderr, key, e.total), done: 0 };
      }
      this.bar.done = e.done;
      this.bar.bar.update(e.done);
    } else if (e.type === "model:skip") {
      this.ctx.stderr.write(`${e.id}: already installed\n`);
    } else if (e.type === "model:installed") {
      this.done();
      this.ctx.stderr.write(`${e.id}: installed (${e.files} files, ${formatBytes(e.bytes)})\n`);
    }
  }

  done(): void {
    if (this.bar) this.bar.bar.finish(this.bar.done);
    this.bar = null;
  }
}

async function verify(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseFlags(args, commonOptions);
  const s = open(ctx, values);
  const ids = positionals.length > 0 ? positionals : (await s.store.list()).map((m) => m.id);
  const reports: VerifyReport[] = [];
  for (const id of ids) reports.push(await verifyInstalled(s.store, id, s.catalog.findModel(id), ctx.signal));
  const failed = reports.filter((r) => !r.ok);
  if (s.json) printJson(ctx, { ok: failed.length === 0, models: reports });
  else if (reports.length === 0) ctx.stdout.write(`no models installed in ${s.store.root}\n`);
  else {
    printTable(ctx, reports, [
      { header: "ID", value: (r) => r.id },
      { header: "STATUS", value: (r) => (r.ok ? "ok" : "FAILED") },
      { header: "FILES", value: (r) => r.files, align: "right" },
      { header: "SIZE", value: (r) => formatBytes(r.bytes), align: "right" },
      {
        header: "PROBLEM",
        value: (r) =>
          r.problems[0]
            ? describeProblem(r.problems[0]) + (r.problems.length > 1 ? ` (+${r.problems.length - 1} more)` : "")
            : "",
      },
    ]);
  }
  if (failed.length > 0) {
    ctx.stderr.write(
      `parley models verify: ${failed.length} model(s) failed verification: ${failed.map((r) => r.id).join(", ")}\n`,
    );
    return 1;
  }
  return 0;
}

async function exportCommand(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseFlags(args, commonOptions);
  if (positionals.length !== 2) throw new CliError("usage: parley models export <profile> <bundle.tar>", 2);
  const [profile, given] = positionals as [string, string];
  const file = resolve(ctx.cwd, given);
  const s = open(ctx, values);
  const bar = new ProgressBar(ctx.stderr, `export ${profile}`, null);
  let last = 0;
  const result = await exportBundle(profile, file, {
    catalog: s.catalog,
    store: s.store,
    signal: ctx.signal,
    onProgress: (done, total) => (bar.setTotal(total), bar.update((last = done))),
  });
  bar.finish(last);
  if (s.json) printJson(ctx, { profile, ...result });
  else
    ctx.stdout.write(
      `wrote ${result.file}: profile ${profile}, ${result.models.length} models, ${formatBytes(result.bytes)}\nsha256 ${result.sha256} (compare it at the receiving site)\n`,
    );
  return 0;
}

async function importCommand(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseFlags(args, commonOptions);
  const file = resolve(ctx.cwd, single(positionals, "import <bundle.tar>"));
  const s = open(ctx, values);
  const bar = new ProgressBar(ctx.stderr, "import", null);
  let last = 0;
  const result = await importBundle(file, {
    catalog: s.catalog,
    store: s.store,
    signal: ctx.signal,
    onProgress: (done, total) => (bar.setTotal(total), bar.update((last = done))),
  });
  bar.finish(last);
  if (s.json) printJson(ctx, result);
  else
    ctx.stdout.write(
      `profile ${result.profile}: ${result.installed.length} installed, ${result.unchanged.length} already present (${s.store.root})\nbundle sha256 ${result.sha256}\n`,
    );
  return 0;
}

async function remove(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseFlags(args, commonOptions);
  const id = single(positionals, "rm <id>");
  const s = open(ctx, values);
  if (!(await s.store.remove(id))) throw new CliError(`model '${id}' is not installed in ${s.store.root}`);
  if (s.json) printJson(ctx, { removed: id });
  else ctx.stdout.write(`removed ${id}\n`);
  return 0;
}

function sourceOf(m: CatalogModel): "files" | "archive" | "generator" | "npm" {
  return m.files ? "files" : m.archive ? "archive" : m.generator ? "generator" : "npm";
}

function single(positionals: string[], what: string): string {
  const [first] = positionals;
  if (positionals.length !== 1 || first === undefined) throw new CliError(`usage: parley models ${what}`, 2);
  return first;
}

const subcommands: Record<string, (args: string[], ctx: CliContext) => Promise<number>> = {
  list,
  pull: pullCommand,
  verify,
  export: exportCommand,
  import: importCommand,
  rm: remove,
};

/** `parley models ...`: the model manager. */
export const models: Command = {
  name: "models",
  summary: "list, pull, verify, export and import models (air-gapped sites use bundles)",
  usage,
  async run(args, ctx) {
    const [sub, ...rest] = args;
    const run = sub ? subcommands[sub] : undefined;
    if (!run)
      throw new CliError(
        sub ? `unknown subcommand '${sub}'; see parley models --help` : "missing subcommand; see parley models --help",
        2,
      );
    return run(rest, ctx);
  },
};
