/**
 * The styled corpus as the quality report reads it (colab/data/corpus.tsv: `source<TAB>style<TAB>text`, one
 * paragraph a line): which paragraphs training held out, and the real text of each style the style judge learns
 * from and is tested on.
 *
 * Training (colab/train/styled.py) holds out each source's last 5% of characters, counted over its paragraphs
 * normalized by the model's rules, each with the newline after it; a paragraph wholly past that point is held out.
 *
 *   const paragraphs = parseStyledCorpus(readFileSync(path, 'utf8'), path);
 *   const held = heldOutFlags(paragraphs, (text) => engine.normalize(text));
 *   const texts = styleTexts(paragraphs, held);       // per style: up to 100,000 chars, held out where there is enough
 *   const { train, test } = splitText(texts[0]);        // the judge learns from `train`, is measured on `test`
 */

/** One paragraph of a styled corpus. */
export interface Paragraph {
  source: string;
  style: string;
  text: string;
}

/** colab/train/data.py's VAL_FRACTION: the share of each source's characters training holds out. */
export const VAL_FRACTION = 0.05;

/** The real text of one style, as the judge uses it. */
export interface StyleText {
  style: string;
  /** The source it comes from (its first paragraph's). */
  source: string;
  /** Whether it is text the model was not trained on (else: the end of what it trained on). */
  heldOut: boolean;
  paragraphs: string[];
  /** Its characters, each paragraph's newline included. */
  chars: number;
}

/** How much text per style the judge takes. */
export interface StyleTextOptions {
  /** A style's held-out text is used when it has at least this many characters (20,000). */
  minHeldOutChars?: number;
  /** At most this many characters per style (100,000). */
  maxChars?: number;
}

const STYLE_NAME = /^[a-z][a-z-]*$/;

/** A text's length in code points (Python's len). */
export function codePoints(text: string): number {
  return text.length - (text.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)?.length ?? 0);
}

/** The paragraphs of a `source<TAB>style<TAB>text` file (blank lines skipped); throws naming a malformed line. */
export function parseStyledCorpus(text: string, path: string): Paragraph[] {
  const out: Paragraph[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const first = line.indexOf('\t');
    const second = first < 0 ? -1 : line.indexOf('\t', first + 1);
    const [source, style] = [line.slice(0, first), line.slice(first + 1, second)];
    if (second < 0 || !source || !STYLE_NAME.test(style)) {
      throw new Error(`styled corpus ${path}, line ${i + 1}: expected source<TAB>style<TAB>text`);
    }
    out.push({ source, style, text: line.slice(second + 1) });
  });
  return out;
}

/**
 * Which paragraphs training held out: per source, those that start at or after its split point, int(chars ×
 * 0.95), the characters counted as `normalize(text)` plus a newline, as colab/train/styled.py counts them.
 */
export function heldOutFlags(paragraphs: readonly Paragraph[], normalize: (text: string) => string): boolean[] {
  const bySource = new Map<string, number[]>();
  paragraphs.forEach((p, i) => {
    const list = bySource.get(p.source) ?? [];
    list.push(i);
    bySource.set(p.source, list);
  });
  const flags = paragraphs.map(() => false);
  for (const members of bySource.values()) {
    const lengths = members.map((i) => codePoints(normalize(paragraphs[i].text)) + 1);
    const split = Math.floor(lengths.reduce((a, b) => a + b, 0) * (1 - VAL_FRACTION));
    let start = 0;
    members.forEach((i, k) => {
      flags[i] = start >= split;
      start += lengths[k];
    });
  }
  return flags;
}

/**
 * Each style's text for the judge, in order of first appearance: its held-out paragraphs (from their start) when
 * they have at least minHeldOutChars, else the end of the paragraphs the model trained on; at most maxChars.
 */
export function styleTexts(
  paragraphs: readonly Paragraph[],
  heldOut: readonly boolean[],
  options: StyleTextOptions = {},
): StyleText[] {
  const minHeldOut = options.minHeldOutChars ?? 20_000;
  const maxChars = options.maxChars ?? 100_000;
  const styles = [...new Set(paragraphs.map((p) => p.style))];
  return styles.map((style) => {
    const members = paragraphs.map((p, i) => ({ p, held: heldOut[i] })).filter(({ p }) => p.style === style);
    const held = members.filter((m) => m.held).map((m) => m.p.text);
    const useHeld = held.reduce((n, t) => n + codePoints(t) + 1, 0) >= minHeldOut;
    const pool = useHeld ? held : members.filter((m) => !m.held).map((m) => m.p.text);
    const picked: string[] = [];
    let chars = 0;
    // Held-out text from its start, seen text from its end (the part nearest the held-out text).
    for (const text of useHeld ? pool : [...pool].reverse()) {
      if (chars >= maxChars) break;
      picked.push(text);
      chars += codePoints(text) + 1;
    }
    if (!useHeld) picked.reverse();
    return { style, source: members[0].p.source, heldOut: useHeld, paragraphs: picked, chars };
  });
}

/**
 * The main style of each style: its source's only style (austen, melville), or the source's name when the source
 * has several (brown, for Brown's six categories).
 */
export function mainStyles(paragraphs: readonly Paragraph[]): Map<string, string> {
  const stylesOf = new Map<string, Set<string>>();
  const sourceOf = new Map<string, string>();
  for (const p of paragraphs) {
    if (!stylesOf.has(p.source)) stylesOf.set(p.source, new Set());
    stylesOf.get(p.source)!.add(p.style);
    if (!sourceOf.has(p.style)) sourceOf.set(p.style, p.source);
  }
  return new Map(
    [...sourceOf].map(([style, source]) => [style, stylesOf.get(source)!.size === 1 ? style : source] as const),
  );
}

/**
 * A style's text split for the judge: its first paragraphs (1 - testFraction of its characters) to learn from, the
 * rest to test it on; each joined by newlines.
 */
export function splitText(text: StyleText, testFraction = 0.2): { train: string; test: string } {
  const train: string[] = [];
  const test: string[] = [];
  let chars = 0;
  for (const p of text.paragraphs) {
    (chars < text.chars * (1 - testFraction) ? train : test).push(p);
    chars += codePoints(p) + 1;
  }
  return { train: train.join('\n'), test: test.join('\n') };
}

/** A text cut into consecutive passages of `size` characters (a last one under half of that dropped). */
export function passages(text: string, size: number): string[] {
  const chars = [...text];
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) {
    const piece = chars.slice(i, i + size);
    if (piece.length >= size / 2) out.push(piece.join(''));
  }
  return out;
}
