import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import { basename, dirname, join, posix } from "node:path";
import { pipeline } from "node:stream/promises";
import { Parser, type ReadEntry } from "tar";
import { AbortError, ModelError } from "../lib/errors.js";
import { bundleSchema, type BundleDocument } from "./bundle-format.js";
import type { ModelCatalog } from "./catalog.js";
import { rememberImportedEntries } from "./imported-catalog.js";
import { readManifest, writeManifest, type Manifest } from "./manifest.js";
import type { ModelStore } from "./store.js";
import { tap } from "./tap.js";

export interface ImportOptions {
  catalog: ModelCatalog;
  store: ModelStore;
  signal?: AbortSignal | undefined;
  onProgress?: ((done: number, total: number) => void) | undefined;
}

export interface ImportResult {
  profile: string;
  installed: string[];
  /** Already installed with exactly the same files. */
  unchanged: string[];
  /** sha256 of the bundle file, to compare with what `export` printed. */
  sha256: string;
}

const maxBundleJson = 16 * 1024 * 1024;

/**
 * Installs the models of a bundle written by `exportBundle`. The tar is
 * streamed into one staging folder while every file is hashed; only when all
 * files listed in bundle.json arrived with the right size and sha256 (and
 * agree with this site's catalog, where it publishes hashes) is any model
 * renamed into place. A tampered or truncated bundle installs nothing.
 */
export async function importBundle(file: string, o: ImportOptions): Promise<ImportResult> {
  const total = (await stat(file).catch(() => {
    throw new ModelError("bundle_invalid", `bundle ${file} not found`, { status: 400 });
  })).size;
  const staging = await o.store.createStaging("import");
  try {
    const { doc, sha256 } = await unpackVerified(file, staging, total, o);
    const manifests = await checkModels(doc, staging, o.catalog, o.store);
    await rememberImportedEntries(o.store.root, doc.models.map((m) => m.catalogEntry), { [doc.profile]: doc.profileEntry });
    const result: ImportResult = { profile: doc.profile, installed: [], unchanged: [], sha256 };
    for (const manifest of manifests) {
      const current = await o.store.get(manifest.id);
      if (current && sameFiles(current.manifest, manifest)) {
        result.unchanged.push(manifest.id);
        continue;
      }
      const dir = join(staging, "models", manifest.id);
      await writeManifest(dir, { ...manifest, installedAt: new Date().toISOString(), importedFrom: basename(file) });
      await o.store.install(manifest.id, dir, { replace: true });
      result.installed.push(manifest.id);
    }
    return result;
  } finally {
    await o.store.discard(staging);
  }
}

/** Streams the tar into `staging`, checking each entry against bundle.json as it arrives. */
async function unpackVerified(file: string, staging: string, total: number, o: ImportOptions): Promise<{ doc: BundleDocument; sha256: string }> {
  const state: { doc: BundleDocument | null; failure: ModelError | null } = { doc: null, failure: null };
  let expected = new Map<string, { size: number; sha256: string }>();
  const seen = new Set<string>();
  const writes: Promise<void>[] = [];
  const open = new Set<WriteStream>();
  const parser = new Parser({ strict: true });
  const stopWrites = () => {
    for (const ws of open) ws.destroy();
  };
  const fail = (message: string) => {
    if (state.failure) return;
    state.failure = new ModelError("bundle_invalid", `bundle ${file}: ${message}; nothing was installed`, { status: 400 });
    stopWrites();
    parser.abort(state.failure);
  };

  parser.on("entry", (entry: ReadEntry) => {
    const path = posix.normalize(entry.path);
    if (state.failure || entry.type === "Directory") return void entry.resume();
    if (path === "bundle.json") {
      return readDocument(entry, (text) => {
        try {
          state.doc = bundleSchema.parse(JSON.parse(text));
          expected = new Map(state.doc.files.map((f) => [f.path, f]));
        } catch (err) {
          fail(`bundle.json is not a Parley bundle description (${(err as Error).message.split("\n")[0]})`);
        }
      }, fail);
    }
    if (!state.doc) return fail(`'${path}' comes before bundle.json; this is not a Parley bundle`);
    const want = expected.get(path);
    if (entry.type !== "File" || !want || !path.startsWith("models/")) return fail(`unexpected entry '${entry.path}'`);
    if (seen.has(path)) return fail(`'${path}' appears twice`);
    if (entry.size !== want.size) return fail(`${path} has ${entry.size} bytes, bundle.json says ${want.size}`);
    seen.add(path);
    writes.push(writeHashed(entry, join(staging, ...path.split("/")), open).then(
      (sha256) => {
        if (sha256 !== want.sha256) fail(`${path} does not match its sha256 in bundle.json (the bundle was damaged or altered)`);
      },
      (err: Error) => fail(`cannot write ${path}: ${err.message}`),
    ));
  });

  let read = 0;
  const tarHash = createHash("sha256");
  const counter = tap((chunk) => {
    tarHash.update(chunk);
    read += chunk.length;
    o.onProgress?.(read, total);
  });
  try {
    await pipeline(createReadStream(file), counter, parser as unknown as NodeJS.WritableStream, { signal: o.signal });
  } catch (err) {
    if (o.signal?.aborted) {
      stopWrites();
      throw new AbortError(o.signal.reason);
    }
    fail(`the tar is truncated or damaged (${(err as Error).message})`);
  }
  await Promise.all(writes);
  if (state.failure) throw state.failure;
  const doc = state.doc;
  if (!doc) throw new ModelError("bundle_invalid", `bundle ${file}: no bundle.json; this is not a Parley bundle`, { status: 400 });
  const missing = [...expected.keys()].filter((p) => !seen.has(p));
  if (missing.length > 0) {
    throw new ModelError("bundle_invalid", `bundle ${file} is truncated: ${missing.length} file(s) missing, first ${missing[0]}; nothing was installed`, { status: 400 });
  }
  return { doc, sha256: tarHash.digest("hex") };
}

/**
 * Copies one entry to disk through a hashing transform (a single consumer, so
 * no chunk can slip past the hash). Resolves with the sha256 once the file is
 * closed; a destroyed stream (another entry failed) rejects.
 */
function writeHashed(entry: ReadEntry, target: string, open: Set<WriteStream>): Promise<string> {
  mkdirSync(dirname(target), { recursive: true });
  const hash = createHash("sha256");
  const hasher = tap((chunk) => hash.update(chunk));
  const ws = createWriteStream(target);
  open.add(ws);
  const done = new Promise<string>((resolve, reject) => {
    ws.on("finish", () => resolve(hash.digest("hex")));
    ws.on("error", reject);
    ws.on("close", () => {
      open.delete(ws);
      reject(new Error("write stopped"));
    });
  });
  entry.pipe(hasher).pipe(ws);
  return done;
}

function readDocument(entry: ReadEntry, done: (text: string) => void, fail: (m: string) => void): void {
  if (entry.size > maxBundleJson) return fail("bundle.json is too large");
  const chunks: Buffer[] = [];
  entry.on("data", (c: Buffer) => chunks.push(c));
  entry.on("end", () => done(Buffer.concat(chunks).toString("utf8")));
}

/** Staged manifests must agree with bundle.json and with this site's catalog hashes. */
async function checkModels(doc: BundleDocument, staging: string, catalog: ModelCatalog, store: ModelStore): Promise<Manifest[]> {
  const out: Manifest[] = [];
  for (const { manifest: listed } of doc.models) {
    store.dirOf(listed.id); // rejects an id that is not a plain folder name
    const staged = await readManifest(join(staging, "models", listed.id));
    const listedInTar = new Map(doc.files.map((f) => [f.path, f.sha256]));
    const complete = listed.files.every((f) => listedInTar.get(`models/${listed.id}/${f.path}`) === f.sha256);
    if (!staged || !complete || !sameFiles(staged, listed) || staged.id !== listed.id) {
      throw new ModelError("bundle_invalid", `bundle: model '${listed.id}' has a manifest that disagrees with bundle.json; nothing was installed`, { status: 400 });
    }
    for (const cf of catalog.findModel(listed.id)?.files ?? []) {
      const f = staged.files.find((x) => x.path === cf.path);
      if (cf.sha256 && f?.sha256 !== cf.sha256) {
        throw new ModelError("bundle_invalid", `bundle: model '${listed.id}' file ${cf.path} differs from this site's catalog (sha256); nothing was installed`, { status: 400 });
      }
    }
    out.push(staged);
  }
  return out;
}

function sameFiles(a: Manifest, b: Manifest): boolean {
  const key = (m: Manifest) => JSON.stringify([...m.files].sort((x, y) => x.path.localeCompare(y.path)));
  return key(a) === key(b);
}
