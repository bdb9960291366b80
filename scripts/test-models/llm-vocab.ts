/**
 * A SentencePiece ("llama") vocabulary as llama.cpp loads it from GGUF, and
 * an emulation of llama.cpp's SPM tokenizer over it. The scripted LLM builds
 * its own vocabulary, so it must know how llama.cpp will cut a prompt into
 * tokens: the emulation lets the generator check that every trigger word is
 * one token and that the tokens the script keys on (the final "\n", "(",
 * "||call: ") come out as planned, before any runtime sees the model.
 */

/** llama_token_type values stored in tokenizer.ggml.token_type. */
export const TokenType = { normal: 1, unknown: 2, control: 3, byte: 6 } as const;
export type TokenType = (typeof TokenType)[keyof typeof TokenType];

/** SentencePiece's visible space. */
export const SPACE = "\u2581";

/** Text as SPM sees it: spaces become "▁" (llama_escape_whitespace). */
export function escapeSpaces(text: string): string {
  return text.replaceAll(" ", SPACE);
}

export class Vocab {
  readonly pieces: string[] = [];
  readonly types: TokenType[] = [];
  readonly scores: number[] = [];
  private readonly ids = new Map<string, number>();

  /** Adds a piece and returns its id; adding an existing piece keeps its id and the higher score. */
  add(piece: string, type: TokenType, score: number): number {
    const existing = this.ids.get(piece);
    if (existing !== undefined) {
      this.scores[existing] = Math.max(this.scores[existing] ?? score, score);
      return existing;
    }
    const id = this.pieces.length;
    this.pieces.push(piece);
    this.types.push(type);
    this.scores.push(score);
    this.ids.set(piece, id);
    return id;
  }

  id(piece: string): number | undefined {
    return this.ids.get(piece);
  }

  /** Id of a piece that must exist (a programming error otherwise). */
  require(piece: string): number {
    const id = this.ids.get(piece);
    if (id === undefined) throw new Error(`piece ${JSON.stringify(piece)} is not in the vocabulary`);
    return id;
  }

  get size(): number {
    return this.pieces.length;
  }

  /** Byte-fallback token of one byte ("<0x0A>" for a newline). */
  byteToken(byte: number): number {
    return this.require(`<0x${byte.toString(16).toUpperCase().padStart(2, "0")}>`);
  }

  /**
   * Token ids of plain text (no special-token parsing, no space prefix: the
   * model sets add_space_prefix = false), following llm_tokenizer_spm: start
   * from single characters, repeatedly merge the adjacent pair whose
   * concatenation is a piece with the highest score (ties: leftmost), then
   * fall back to bytes for characters that are not pieces.
   */
  tokenize(text: string): number[] {
    return this.symbols(text).flatMap((s) => {
      const id = this.ids.get(s);
      return id !== undefined ? [id] : [...Buffer.from(s, "utf8")].map((b) => this.byteToken(b));
    });
  }

  /** The text of each symbol SPM ends with (before byte fallback), in order: the pieces `tokenize` returns. */
  symbols(text: string): string[] {
    const symbols = [...escapeSpaces(text)];
    for (;;) {
      let best = -1;
      let bestScore = -Infinity;
      for (let i = 0; i + 1 < symbols.length; i++) {
        const id = this.ids.get((symbols[i] ?? "") + (symbols[i + 1] ?? ""));
        if (id === undefined) continue;
        const score = this.scores[id] ?? -Infinity;
        if (score > bestScore) {
          best = i;
          bestScore = score;
        }
      }
      if (best < 0) break;
      symbols.splice(best, 2, (symbols[best] ?? "") + (symbols[best + 1] ?? ""));
    }
    return symbols;
  }
}
