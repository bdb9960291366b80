// Types of scripts/patch-node-llama-cpp.mjs (plain JavaScript: it runs at postinstall, before anything is built).
export declare const VERSION: string;
export declare const CHANGES: readonly { name: string; marker: string; original: string; patched: string }[];
export declare function packageDir(): string;
export declare function contextFile(dir: string): string;
export declare function patchNodeLlamaCpp(dir: string): "patched" | "already";
