/** Counted words in storyloom's messages: "1 line", "2 lines", "1 person", "3 people". */

/** `n` and the word for that many: `one` for exactly 1, else `many` (the word with an s unless given). */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
