/**
 * Splits long text into pieces of at most `limit` characters, preferring sentence
 * ends, then line breaks, then spaces, and only as a last resort the middle of a
 * word. Used for Discord's 2,000 and Slack's 3,000 character limits.
 */

const BREAKS: RegExp[] = [/[.!?]["')\]]*\s+/g, /\n+/g, /\s+/g];

function cut(text: string, limit: number): number {
  for (const pattern of BREAKS) {
    let best = -1;
    for (const match of text.slice(0, limit + 1).matchAll(pattern)) {
      const end = match.index! + match[0].length;
      if (end <= limit && match.index! > limit / 3) best = end;
    }
    if (best > 0) return best;
  }
  return limit;
}

/** The pieces, each at most `limit` characters (code points are never split). */
export function splitText(text: string, limit: number): string[] {
  const pieces: string[] = [];
  let rest = text.trim();
  while (rest.length > limit) {
    let at = cut(rest, limit);
    if (/[\uDC00-\uDFFF]/.test(rest[at] ?? '')) at--;
    pieces.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
  }
  if (rest) pieces.push(rest);
  return pieces;
}
