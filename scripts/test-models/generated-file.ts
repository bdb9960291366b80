/** One file a generator produces in memory; the caller decides where it lands. */
export interface GeneratedFile {
  /** Base name inside the output folder. */
  name: string;
  /** Bytes, or text written as UTF-8. */
  data: Uint8Array | string;
}

/** A file too large to hold in memory (the load doubles' GGUFs): the generator writes it to the path it is given. */
export interface StreamedFile {
  name: string;
  write(path: string): Promise<void>;
}
