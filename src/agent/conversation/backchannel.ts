/** "mhm", "yeah", "okay right": listener noises that must not interrupt the agent. */
export function isBackchannel(text: string, backchannels: readonly string[]): boolean {
  const words = text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s']/gu, " ")
    .split(/\s+/)
    .filter(Boolean);
  if (words.length === 0 || words.length > 3) return false;
  const phrases = backchannels.map((b) => b.toLowerCase().trim());
  const joined = words.join(" ");
  if (phrases.includes(joined)) return true;
  return words.every((w) => phrases.includes(w));
}
