// Types of scripts/patch-node-llama-cpp.mjs (plain JavaScript: it runs at postinstall, before anything is built).
export declare const VERSION: string;
export declare const MARKER: string;
export declare const ORIGINAL: string;
export declare const PATCHED: string;
export declare function packageDir(): string;
export declare function contextFile(dir: string): string;
export declare function patchNodeLlamaCpp(dir: string): "patched" | "already";
