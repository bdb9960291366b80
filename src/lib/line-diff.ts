/** One line of a diff: kept in both texts, removed from the first, or added in the second. */
export interface DiffLine {
  op: " " | "-" | "+";
  text: string;
}

/** Past this many lines per side the diff stops looking for common lines (the table is lines x lines). */
const MAX_LINES = 3000;

/**
 * A line diff of two texts (longest common subsequence), for showing what changed between two versions of a small
 * document such as an agent's YAML. Texts longer than MAX_LINES are compared as wholly replaced.
 */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = splitLines(before);
  const b = splitLines(after);
  if (a.length > MAX_LINES || b.length > MAX_LINES)
    return [...a.map((text) => ({ op: "-" as const, text })), ...b.map((text) => ({ op: "+" as const, text }))];
  // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
  const lcs = Array.from({ length: a.length + 1 }, () => new Uint16Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ op: " ", text: a[i++]! });
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) out.push({ op: "-", text: a[i++]! });
    else out.push({ op: "+", text: b[j++]! });
  }
  while (i < a.length) out.push({ op: "-", text: a[i++]! });
  while (j < b.length) out.push({ op: "+", text: b[j++]! });
  return out;
}

/** The diff as plain text, one line each with its mark ("  ", "- ", "+ "); empty when the texts are equal. */
export function diffText(before: string, after: string): string {
  const lines = diffLines(before, after);
  if (lines.every((l) => l.op === " ")) return "";
  return lines.map((l) => `${l.op} ${l.text}`).join("\n");
}

function splitLines(text: string): string[] {
  if (text === "") return [];
  return text.replace(/\n$/, "").split("\n");
}
