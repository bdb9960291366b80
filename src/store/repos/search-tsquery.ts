import { ParleyError } from "../../lib/errors.js";

/**
 * A search box's query (`toMatchQuery`'s output: FTS5 syntax) as PostgreSQL `to_tsquery` text, so one search box
 * means the same on both engines: words are ANDed, "quoted phrases" keep their order (`<->`), `prefix*` matches
 * word starts (`:*`), AND / OR / NOT and brackets keep their meaning (NOT binds tightest, then AND, then OR, as in
 * FTS5). Words reach to_tsquery quoted, so its own operators in them mean nothing. What FTS5 would refuse (an
 * unclosed quote or bracket, a lone operator) is refused here, with the reason.
 */
export function toTsQuery(query: string): string {
  const tokens = tokenize(query);
  const out: string[] = [];
  let depth = 0;
  /** Whether the last token ends an operand (a term or a closing bracket): the next operand needs an AND. */
  let operand = false;
  const fail = (why: string): never => {
    throw new ParleyError("invalid_query", why, { status: 400 });
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.type === "term" || t.type === "open") {
      if (operand) out.push("&");
      if (t.type === "term") {
        out.push(t.text);
        operand = true;
      } else {
        out.push("(");
        depth++;
        operand = false;
      }
    } else if (t.type === "close") {
      if (!operand || depth === 0) fail("a bracket closes nothing, or closes an empty group");
      out.push(")");
      depth--;
    } else {
      if (!operand) fail(`${t.op} needs a word before it`);
      const next = tokens[i + 1];
      if (!next || (next.type !== "term" && next.type !== "open")) fail(`${t.op} needs a word after it`);
      out.push(t.op === "AND" ? "&" : t.op === "OR" ? "|" : "& !");
      operand = false;
    }
  }
  if (depth > 0) fail("a bracket is not closed");
  return out.join(" ");
}

type Token =
  { type: "term"; text: string } | { type: "open" } | { type: "close" } | { type: "op"; op: "AND" | "OR" | "NOT" };

const WORD = /^[\p{L}\p{N}\p{M}_]+/u;

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const rest = query.slice(i);
    const c = rest[0] as string;
    if (/\s/u.test(c)) i++;
    else if (c === "(") (tokens.push({ type: "open" }), i++);
    else if (c === ")") (tokens.push({ type: "close" }), i++);
    else if (c === '"') {
      const end = query.indexOf('"', i + 1);
      if (end === -1) throw new ParleyError("invalid_query", "a quote is not closed", { status: 400 });
      const words = query.slice(i + 1, end).match(/[\p{L}\p{N}\p{M}_]+/gu) ?? [];
      const star = query[end + 1] === "*";
      // A phrase's last word may be a prefix ("boiler lea"*), as in FTS5.
      if (words.length > 0)
        tokens.push({
          type: "term",
          text: `(${words.map((w, k) => lexeme(w, star && k === words.length - 1)).join(" <-> ")})`,
        });
      i = end + 1 + (star ? 1 : 0);
    } else {
      const word = WORD.exec(rest)?.[0];
      if (!word) throw new ParleyError("invalid_query", `"${c}" cannot start a word`, { status: 400 });
      const star = rest[word.length] === "*";
      if (word === "AND" || word === "OR" || word === "NOT") tokens.push({ type: "op", op: word });
      else tokens.push({ type: "term", text: lexeme(word, star) });
      i += word.length + (star ? 1 : 0);
    }
  }
  return tokens;
}

/** One word for to_tsquery: quoted (letters, digits and _ only, so no quote inside), `:*` for a prefix. */
const lexeme = (word: string, prefix: boolean) => `'${word}'${prefix ? ":*" : ""}`;
