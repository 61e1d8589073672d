import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detokenize, paragraphsOf, restorePunctuation, stripTag } from '../scripts/build-corpus.ts';
import {
  austenParagraphs,
  CORPUS_VOCABULARY,
  collectRows,
  DEBIAN_PACKAGES,
  isHeading,
  mobyDickParagraphs,
  normalizeRows,
  paragraphsOfLines,
  readRData,
  sharedRules,
  toTsv,
} from '../scripts/corpus/multi-source.ts';
import { ROOT } from './helpers/python.ts';

describe('corpus builder', () => {
  it('strips tags, even from words with slashes', () => {
    expect(stripTag('house/nn')).toBe('house');
    expect(stripTag('and/or/cc')).toBe('and/or');
  });

  it('restores spacing, contractions and quotes', () => {
    const words = restorePunctuation(['``', 'Okay', "''", ',', 'Scotty', 'said', ',', '``', 'I', "didn't", '.', "''"]);
    expect(detokenize(words)).toBe('"Okay," Scotty said, "I didn\'t."');
  });

  it('undoes doubled ? and ! and moves sentence ends in front of quotes', () => {
    expect(detokenize(restorePunctuation(['``', 'Will', 'he', 'die', "''", '?', '?']))).toBe('"Will he die?"');
    expect(
      detokenize(
        restorePunctuation(['Prevot', 'came', 'up', '``', '.', 'Take', 'that', "''", ',', 'he', 'said', '!', '!']),
      ),
    ).toBe('Prevot came up. "Take that," he said!');
  });

  it('writes one paragraph per line, and headlines stand alone', () => {
    const tagged =
      '\n\n\tThirty-three/cd-hl\nScotty/np did/dod not/* go/vb ./.\nHe/pps slept/vbd ./.\n\n\n\tNext/ap day/nn ./.\n';
    expect(paragraphsOf(tagged)).toEqual(['Thirty-three', 'Scotty did not go. He slept.', 'Next day.']);
  });

  it('the committed corpus matches its sha256 and is what the script builds', () => {
    const committed = readFileSync(join(ROOT, 'colab/data/brown-fiction.txt'));
    const [sha256] = readFileSync(join(ROOT, 'colab/data/brown-fiction.txt.sha256'), 'utf8').split(/\s+/);
    expect(createHash('sha256').update(committed).digest('hex')).toBe(sha256);
    const out = join(mkdtempSync(join(tmpdir(), 'storyloom-corpus-')), 'brown.txt');
    execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/build-corpus.ts'), '--out', out], {
      cwd: ROOT,
    });
    expect(readFileSync(out).equals(committed)).toBe(true);
    expect(committed.length).toBeGreaterThan(1_300_000);
  });
});

describe('multi-source corpus', () => {
  it('joins lines into paragraphs at blank lines, trimming indents', () => {
    expect(paragraphsOfLines(['', 'One line', '  and its rest.', '', '', '   Two.', ''])).toEqual([
      'One line and its rest.',
      'Two.',
    ]);
  });

  it("knows headings and editors' notes from text", () => {
    for (const heading of ['Chapter 1', 'CHAPTER XXV', 'CHAPTER 1. Loomings.', 'VOLUME II', 'THE END', 'Finis']) {
      expect(isHeading(heading), heading).toBe(true);
    }
    expect(isHeading('(End of volume one.)')).toBe(true);
    expect(isHeading('[At this point in the first and second editions, Volume 1 ends.]')).toBe(true);
    expect(isHeading('* * * * *')).toBe(true);
    expect(isHeading('Chapter and verse were quoted.')).toBe(false);
    expect(isHeading('"Yes."')).toBe(false);
  });

  it("keeps a novel from its first chapter, without headings, italics markers or the editor's note", () => {
    const lines = [
      'EMMA',
      'By Jane Austen',
      '',
      'VOLUME I',
      '',
      'CHAPTER I',
      '',
      'Emma Woodhouse, handsome,',
      'clever.',
    ];
    lines.push('', 'CHAPTER II', '', 'That is _court_.', '', 'A NOTE ON THE TEXT', '', 'Signet Classic.');
    expect(austenParagraphs('emma', lines)).toEqual(['Emma Woodhouse, handsome, clever.', 'That is court.']);
    expect(() => austenParagraphs('emma', ['No chapters here'])).toThrow(/emma has no line matching/);
  });

  it("keeps Moby-Dick from Chapter 1 to the Epilogue, without Project Gutenberg's header and licence", () => {
    const lines = [
      'The Project Gutenberg EBook',
      '',
      'ETYMOLOGY.',
      '',
      'CHAPTER 1. Loomings.',
      '',
      'Call me',
      'Ishmael.',
    ];
    lines.push('', 'Epilogue', '', "The drama's done.", '', "End of Project Gutenberg's Moby Dick", '', 'LICENSE');
    expect(mobyDickParagraphs(lines)).toEqual(['Call me Ishmael.', "The drama's done."]);
  });

  it('labels rows with source and style, normalizes them onto printable ASCII, and writes TSV', () => {
    const brown = [
      { name: 'cl01', paragraphs: ['A mystery.'] },
      { name: 'cr09', paragraphs: ['A joke.'] },
    ];
    const austen = new Map([
      ['emma', ['Chapter 1', '', '\u201cWell,\u201d said Emma\u2014caf\u00e9\tnoir.']],
      ['mansfieldpark', ['CHAPTER I', '', 'Her \u00a320,000.']],
      ['northangerabbey', ['CHAPTER 1', '', 'Catherine.']],
      ['persuasion', ['Chapter 1', '', 'Anne.']],
      ['prideprejudice', ['Chapter 1', '', 'It is a truth.']],
      ['sensesensibility', ['CHAPTER 1', '', '***', '', 'The family.']],
    ]);
    const moby = new Map([['mobydick', ['\ufeffHeader', 'CHAPTER 1. Loomings.', '', 'Call me Ishmael.']]]);
    const rows = normalizeRows(collectRows(brown, austen, moby), sharedRules(ROOT));
    expect(rows.slice(0, 4)).toEqual([
      { source: 'brown', style: 'mystery', text: 'A mystery.' },
      { source: 'brown', style: 'humor', text: 'A joke.' },
      { source: 'austen', style: 'austen', text: '"Well," said Emma -- cafe noir.' },
      { source: 'austen', style: 'austen', text: 'Her 20,000.' },
    ]);
    expect(rows.at(-1)).toEqual({ source: 'mobydick', style: 'melville', text: 'Call me Ishmael.' });
    expect(rows).toHaveLength(9);
    expect(toTsv(rows.slice(0, 1))).toBe('brown\tmystery\tA mystery.\n');
    expect(CORPUS_VOCABULARY).toHaveLength(95);
  });

  it('names the Debian packages when R or a package is missing', () => {
    expect(() =>
      readRData({ rPackage: 'janeaustenr', debian: 'r-cran-janeaustenr', items: [] }, '/nonexistent/Rscript'),
    ).toThrow(/Rscript not found.*r-cran-janeaustenr, r-cran-tokenizers/);
    const absent = { rPackage: 'storyloomabsent', debian: 'r-cran-storyloomabsent', items: ['x'] };
    expect(() => readRData(absent)).toThrow(
      /R package storyloomabsent is missing \(Debian package r-cran-storyloomabsent\)/,
    );
    const noItem = { rPackage: 'tokenizers', debian: 'r-cran-tokenizers', items: ['nosuchbook'] };
    expect(() => readRData(noItem)).toThrow(/r-cran-tokenizers\) has no text named nosuchbook/);
  });

  it("the built corpus matches the committed sha256, with Brown's lines exactly as in brown-fiction.txt", () => {
    const out = join(mkdtempSync(join(tmpdir(), 'storyloom-corpus-')), 'corpus.tsv');
    try {
      execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/build-corpus.ts'), '--tsv', out], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
      throw new Error(
        `building the multi-source corpus failed (it needs the Debian packages ${DEBIAN_PACKAGES.join(', ')}; ` +
          `scripts/ensure-deps.sh installs them): ${stderr}`,
      );
    }
    const built = readFileSync(out);
    const [sha256] = readFileSync(join(ROOT, 'colab/data/corpus.tsv.sha256'), 'utf8').split(/\s+/);
    expect(createHash('sha256').update(built).digest('hex')).toBe(sha256);
    const rows = built
      .toString('utf8')
      .trimEnd()
      .split('\n')
      .map((line) => line.split('\t'));
    expect(rows.every((row) => row.length === 3)).toBe(true);
    const brown = readFileSync(join(ROOT, 'colab/data/brown-fiction.txt'), 'utf8').trimEnd().split('\n');
    expect(rows.filter(([source]) => source === 'brown').map(([, , text]) => text)).toEqual(brown);
    const styles = new Set(rows.map(([, style]) => style));
    expect([...styles]).toEqual([
      'general',
      'mystery',
      'science-fiction',
      'adventure',
      'romance',
      'humor',
      'austen',
      'melville',
    ]);
    expect(built.length).toBeGreaterThan(6_000_000);
  }, 120_000);
});
