/**
 * Gathers keypad digits into one input: "#" ends it at once, otherwise a
 * pause of `interDigitMs` does (menus are usually one key; numbers several).
 */
export class DtmfCollector {
  private digits = "";
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly interDigitMs: number,
    private readonly done: (digits: string) => void,
    /** The first key of an entry (a sensitive step starts there). */
    private readonly started: () => void = () => undefined,
  ) {}

  push(digit: string): void {
    if (this.timer) clearTimeout(this.timer);
    if (!this.digits && digit !== "#") this.started();
    if (digit === "#") {
      this.flush();
      return;
    }
    this.digits += digit;
    this.timer = setTimeout(() => this.flush(), this.interDigitMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const d = this.digits;
    this.digits = "";
    if (d) this.done(d);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
