import { ModelError } from "../lib/errors.js";

/**
 * Points a catalog URL at a company mirror: the mirror base replaces the
 * URL's origin and the path is kept, so
 *   https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/<rev>/x.gguf
 * with mirror http://models.corp/parley becomes
 *   http://models.corp/parley/Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/<rev>/x.gguf
 * A mirror is then just a static file tree laid out like the upstream paths
 * (docs/models.md shows how to build one).
 */
export function applyMirror(url: string, mirror?: string): string {
  if (!mirror) return url;
  let base: URL;
  try {
    base = new URL(mirror);
  } catch {
    throw new ModelError("mirror_invalid", `mirror '${mirror}' is not a URL`, { status: 400 });
  }
  const source = new URL(url);
  const prefix = base.pathname.replace(/\/+$/, "");
  return `${base.origin}${prefix}${source.pathname}${source.search}`;
}
