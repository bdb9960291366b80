/** A byte-bounded least-recently-used map of PCM (Map keeps insertion order: re-inserting on use moves a key to the end). */
export class PcmLru {
  private readonly map = new Map<string, Int16Array>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get(key: string): Int16Array | undefined {
    const pcm = this.map.get(key);
    if (pcm) {
      this.map.delete(key);
      this.map.set(key, pcm);
    }
    return pcm;
  }

  set(key: string, pcm: Int16Array): void {
    if (pcm.byteLength > this.maxBytes / 8) return; // one long render must not flush everything else
    const old = this.map.get(key);
    if (old) this.bytes -= old.byteLength;
    this.map.delete(key);
    this.map.set(key, pcm);
    this.bytes += pcm.byteLength;
    for (const [k, v] of this.map) {
      if (this.bytes <= this.maxBytes) break;
      this.map.delete(k);
      this.bytes -= v.byteLength;
    }
  }
}
