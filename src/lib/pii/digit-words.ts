/**
 * Digits as speech recognisers write them: "four one one one", "vier eins
 * eins eins", "quatre un un un", "cuatro uno uno uno". One table for the four
 * languages Parley ships phrases for; no spelling means different digits in
 * two of them, so a transcript's language need not be known.
 */
const WORDS: Record<string, string> = {
  // English ("oh" is how people say 0 in phone numbers)
  zero: "0",
  oh: "0",
  one: "1",
  two: "2",
  three: "3",
  four: "4",
  five: "5",
  six: "6",
  seven: "7",
  eight: "8",
  nine: "9",
  // German ("zwo" is the telephone 2)
  null: "0",
  eins: "1",
  zwei: "2",
  zwo: "2",
  drei: "3",
  vier: "4",
  fünf: "5",
  fuenf: "5",
  sechs: "6",
  sieben: "7",
  acht: "8",
  neun: "9",
  // French
  zéro: "0",
  un: "1",
  deux: "2",
  trois: "3",
  quatre: "4",
  cinq: "5",
  sept: "7",
  huit: "8",
  neuf: "9",
  // Spanish
  cero: "0",
  uno: "1",
  dos: "2",
  tres: "3",
  cuatro: "4",
  cinco: "5",
  seis: "6",
  siete: "7",
  ocho: "8",
  nueve: "9",
};

/** "double four" = 44, "triple zero" = 000 (English phone style). */
const REPEAT: Record<string, number> = { double: 2, triple: 3 };

/** The digit a word stands for, or undefined. */
export function digitOfWord(word: string): string | undefined {
  return WORDS[word.toLowerCase().normalize("NFC")];
}

/** How many times the next digit word repeats ("double" -> 2), or undefined. */
export function repeatOfWord(word: string): number | undefined {
  return REPEAT[word.toLowerCase()];
}

/** "plus" before spoken digits is the international prefix. */
export function isPlusWord(word: string): boolean {
  return word.toLowerCase() === "plus";
}
