/** One file a generator produces; the caller decides where it lands. */
export interface GeneratedFile {
  /** Base name inside the output folder. */
  name: string;
  /** Bytes, or text written as UTF-8. */
  data: Uint8Array | string;
}
