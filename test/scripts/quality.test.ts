/**
 * npm run quality (scripts/quality-report.ts, scripts/quality/*): the style judge (character n-gram naive Bayes)
 * on tiny synthetic texts, the confusion matrix, the held-out split of a styled corpus, and the report end to end:
 * on a tiny styled model of random weights (colab.tools.make_test_model) with a small synthetic corpus, where only
 * the report's shape and numbers are checked (random weights write noise: its accuracy means nothing), and on the
 * shipped `small`, whose report keeps its lines.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  heldOutFlags,
  mainStyles,
  type Paragraph,
  parseStyledCorpus,
  passages,
  splitText,
  styleTexts,
} from '../../scripts/quality/corpus.ts';
import { confusion, formatMatrix, NgramNaiveBayes } from '../../scripts/quality/naive-bayes.ts';
import { type QualityReport, qualityReport, SEEDS } from '../../scripts/quality/report.ts';
import { ROOT, runPython } from '../helpers/python.ts';

/** Deterministic pseudo-random words from a list: `count` of them, as sentences. */
function prose(list: string[], count: number, seed: number): string {
  let state = seed >>> 0;
  const next = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const word = list[next() % list.length];
    out.push(i % 9 === 0 ? word[0].toUpperCase() + word.slice(1) : word);
    if (i % 9 === 8) out[out.length - 1] += '.';
  }
  return out.join(' ');
}

const PLAIN = ['the', 'man', 'went', 'to', 'town', 'and', 'saw', 'a', 'car', 'it', 'was', 'late'];
const CRIME = ['detective', 'clue', 'murder', 'police', 'gun', 'night', 'alibi', 'suspect', 'body', 'cop'];
const SOCIETY = ['elizabeth', 'darcy', 'sister', 'ball', 'marriage', 'fortune', 'amiable', 'esteem', 'madam'];
const SEA = ['whale', 'ship', 'sea', 'ahab', 'harpoon', 'deck', 'captain', 'ocean', 'leviathan', 'mast'];

describe('the style judge: character n-gram naive Bayes', () => {
  it('tells two clearly different styles apart in text it never saw', () => {
    const judge = new NgramNaiveBayes(['plain', 'sea']);
    judge.train('plain', prose(PLAIN, 400, 1));
    judge.train('sea', prose(SEA, 400, 2));
    for (let seed = 10; seed < 20; seed++) {
      expect(judge.classify(prose(PLAIN, 12, seed))).toBe('plain');
      expect(judge.classify(prose(SEA, 12, seed))).toBe('sea');
    }
  });

  it('smooths: an unseen n-gram costs log(α / (total + α·(V + 1))), a seen one log((count + α) / …)', () => {
    const judge = new NgramNaiveBayes(['a', 'b'], { minN: 1, maxN: 1, alpha: 1 });
    judge.train('a', 'ab');
    judge.train('b', 'cd');
    // V = 4 distinct unigrams; each class saw 2: denominators 2 + 1·(4 + 1) = 7.
    const [a, b] = judge.scores('z');
    expect(a).toBeCloseTo(Math.log(1 / 7), 12);
    expect(b).toBeCloseTo(Math.log(1 / 7), 12);
    const seen = judge.scores('a');
    expect(seen[0]).toBeCloseTo(Math.log(2 / 7), 12);
    expect(seen[1]).toBeCloseTo(Math.log(1 / 7), 12);
    expect(judge.classify('a')).toBe('a');
    expect(judge.classify('zzz')).toBe('a'); // equals: the first class
    // Orders add up: 1- and 2-grams of "ab" under a class that saw "ab".
    const two = new NgramNaiveBayes(['a', 'b'], { minN: 1, maxN: 2, alpha: 1 });
    two.train('a', 'ab');
    two.train('b', 'cd');
    // unigrams: V 4, total 2 -> 7; bigrams: V 2 ("ab", "cd"), total 1 -> 1 + 3 = 4.
    expect(two.scores('ab')[0]).toBeCloseTo(2 * Math.log(2 / 7) + Math.log(2 / 4), 12);
    expect(two.scores('ab')[1]).toBeCloseTo(2 * Math.log(1 / 7) + Math.log(1 / 4), 12);
  });

  it('keeps every score finite: unseen text, a class with no text, characters outside the BMP', () => {
    const judge = new NgramNaiveBayes(['seen', 'empty']);
    judge.train('seen', 'hello there');
    for (const text of ['qqqq', '', 'x😀y']) expect(judge.scores(text).every(Number.isFinite)).toBe(true);
    expect(judge.scores('').every((s) => s === 0)).toBe(true);
    // A code point is one character: "😀" is one unigram, not two halves.
    const emoji = new NgramNaiveBayes(['e'], { minN: 1, maxN: 1, alpha: 1 });
    emoji.train('e', '😀');
    expect(emoji.scores('😀')[0]).toBeCloseTo(Math.log(2 / 3), 12);
  });

  it('refuses bad settings and unknown classes', () => {
    expect(() => new NgramNaiveBayes([])).toThrow(/classes/);
    expect(() => new NgramNaiveBayes(['a'], { alpha: 0 })).toThrow(/alpha/);
    expect(() => new NgramNaiveBayes(['a'], { minN: 3, maxN: 2 })).toThrow(/minN/);
    expect(() => new NgramNaiveBayes(['a', 'a'])).toThrow(/distinct/);
    expect(() => new NgramNaiveBayes(['a']).train('b', 'x')).toThrow(/unknown class "b"/);
  });

  it('counts a confusion matrix: rows the style asked for, columns the answer; unknown names left out', () => {
    const pairs: [string, string][] = [
      ['x', 'x'],
      ['x', 'y'],
      ['x', 'x'],
      ['y', 'y'],
      ['z', 'x'],
      ['x', 'w'],
    ];
    expect(confusion(['x', 'y'], ['x', 'y'], pairs)).toEqual([
      [2, 1],
      [0, 1],
    ]);
    expect(confusion(['y', 'z'], ['x', 'y', 'w'], pairs)).toEqual([
      [0, 1, 0],
      [1, 0, 0],
    ]);
    expect(
      formatMatrix(
        ['any', 'melville'],
        ['brown', 'austen'],
        [
          [12, 3],
          [0, 100],
        ],
      ),
    ).toEqual(['          brown  austen', 'any          12       3', 'melville      0     100']);
  });
});

/** A small styled corpus: Brown's `general` then `mystery`, then Austen, then Melville, each from its words. */
function syntheticCorpus(): string {
  const rows: string[] = [];
  const add = (source: string, style: string, list: string[], n: number, seed: number) => {
    for (let i = 0; i < n; i++) rows.push(`${source}\t${style}\t${prose(list, 30, seed + i)}`);
  };
  add('brown', 'general', PLAIN, 150, 1000);
  add('brown', 'mystery', CRIME, 150, 2000);
  add('austen', 'austen', SOCIETY, 200, 3000);
  add('mobydick', 'melville', SEA, 200, 4000);
  return `${rows.join('\n')}\n`;
}

describe('the styled corpus as the judge reads it', () => {
  it("holds out each source's last 5% of characters, as training does: paragraphs wholly past the split", () => {
    // x: 20 paragraphs of 99 chars (+ newline = 100): split at int(2000 × 0.95) = 1900, so the last one is held out.
    const paragraphs: Paragraph[] = [];
    for (let i = 0; i < 20; i++) {
      paragraphs.push({ source: 'x', style: 'p', text: 'a'.repeat(99) });
      paragraphs.push({ source: 'y', style: 'q', text: 'b'.repeat(i === 19 ? 50 : 9) });
    }
    const held = heldOutFlags(paragraphs, (t) => t);
    expect(paragraphs.filter((p, i) => p.source === 'x' && held[i])).toHaveLength(1);
    expect(held[38]).toBe(true); // x's last
    // y: 19 × 10 + 51 = 241 chars, split at int(228.95) = 228: only the last paragraph (at 190) straddles it.
    expect(paragraphs.filter((p, i) => p.source === 'y' && held[i])).toHaveLength(0);
    // Lengths are counted after normalization: dropping every "a" makes x's text only newlines.
    const dropped = heldOutFlags(paragraphs, (t) => t.replaceAll('a', ''));
    expect(dropped[38]).toBe(true);
    expect(dropped.filter((h, i) => h && paragraphs[i].source === 'x')).toHaveLength(1);
  });

  it('reads source<TAB>style<TAB>text, and names a malformed line', () => {
    expect(parseStyledCorpus('brown\tgeneral\tHi there.\n\nausten\tausten\tA\ttab.\n', 'c.tsv')).toEqual([
      { source: 'brown', style: 'general', text: 'Hi there.' },
      { source: 'austen', style: 'austen', text: 'A\ttab.' },
    ]);
    expect(() => parseStyledCorpus('brown\tgeneral\tok\nno tabs here\n', 'c.tsv')).toThrow(/c\.tsv, line 2/);
    expect(() => parseStyledCorpus('brown\tBad Style\ttext\n', 'c.tsv')).toThrow(/line 1/);
  });

  it('takes held-out text where there is enough, else the end of the seen text; maps styles to main styles', () => {
    const paragraphs = parseStyledCorpus(syntheticCorpus(), 'synthetic');
    const held = heldOutFlags(paragraphs, (t) => t);
    const texts = styleTexts(paragraphs, held, { minHeldOutChars: 300, maxChars: 2000 });
    const by = new Map(texts.map((t) => [t.style, t]));
    expect([...by.keys()]).toEqual(['general', 'mystery', 'austen', 'melville']);
    // Brown's held-out 5% is the end of `mystery`: `general` has none, so the judge takes the end of its seen text.
    expect(by.get('general')!.heldOut).toBe(false);
    expect(by.get('general')!.paragraphs.at(-1)).toBe(paragraphs[149].text);
    for (const style of ['mystery', 'austen', 'melville']) expect(by.get(style)!.heldOut).toBe(true);
    for (const t of texts) {
      expect(t.chars).toBe(t.paragraphs.reduce((n, p) => n + p.length + 1, 0));
      expect(t.chars - (t.paragraphs.at(-1)!.length + 1)).toBeLessThan(2000);
    }
    expect(Object.fromEntries(mainStyles(paragraphs))).toEqual({
      general: 'brown',
      mystery: 'brown',
      austen: 'austen',
      melville: 'melville',
    });
    const { train, test } = splitText(by.get('austen')!, 0.25);
    expect(`${train}\n${test}`).toBe(by.get('austen')!.paragraphs.join('\n'));
    expect(test.length).toBeGreaterThan(0);
    expect(passages('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(passages('abcdefghi', 4)).toEqual(['abcd', 'efgh']);
  });
});

describe('npm run quality, end to end', () => {
  let dir: string;
  let model: string;
  let validated: string;
  let corpus: string;
  const JUDGE = { minHeldOutChars: 300, maxChars: 6000 };
  const STYLES = ['any', 'general', 'austen', 'melville'];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'storyloom-quality-'));
    await runPython('colab.tools.make_test_model', ['--styles', '--out', dir, '--name', 'tiny-styled']);
    model = join(dir, 'tiny-styled.json');
    corpus = join(dir, 'corpus.tsv');
    writeFileSync(corpus, syntheticCorpus());
    // The same weights with a training block as colab/train writes it for a styled text, on this corpus.
    const doc = JSON.parse(readFileSync(model, 'utf8'));
    doc.name = 'tiny-validated';
    doc.metrics = { val_loss: 4.1, val_loss_styled: 4.05 };
    doc.training = {
      device: 'cpu',
      minutes: 0.1,
      corpus_sha256: createHash('sha256').update(readFileSync(corpus)).digest('hex'),
      validation: {
        val: { source: 'brown', chars: 1234, any: 4.1, styled: 4.05 },
        sources: { brown: { loss: 4.05, chars: 1234 }, austen: { loss: 3.9, chars: 600 } },
        styles: { mystery: { loss: 4.05, chars: 1234 }, austen: { loss: 3.9, chars: 600 } },
      },
    };
    validated = join(dir, 'tiny-validated.json');
    writeFileSync(validated, JSON.stringify(doc));
  }, 120_000);

  /** The shape every styled report has, whatever its model writes. */
  function checkStyled(report: QualityReport, samples: number) {
    expect(report.styled).toBe(true);
    expect(report.styles.map((s) => s.style)).toEqual(STYLES);
    for (const s of report.styles) {
      expect(s.words).toBeGreaterThan(0);
      expect(s.realWords).toBeGreaterThanOrEqual(0);
      expect(s.realWords).toBeLessThanOrEqual(s.words);
    }
    expect(report.words).toBe(report.styles.reduce((n, s) => n + s.words, 0));
    expect(report.realWordRate).toBeCloseTo(report.styles.reduce((n, s) => n + s.realWords, 0) / report.words, 12);
    const expected = Object.fromEntries(report.styles.map((s) => [s.style, [s.main.expected, s.all.expected]]));
    expect(expected).toEqual({
      any: [null, null],
      general: ['brown', 'general'],
      austen: ['austen', 'austen'],
      melville: ['melville', 'melville'],
    });
    for (const s of report.styles.filter((x) => x.style !== 'any')) {
      for (const g of [s.main, s.all]) {
        expect(g.judged).toBe(samples);
        expect(g.correct).toBeGreaterThanOrEqual(0);
        expect(g.correct).toBeLessThanOrEqual(samples);
      }
    }
    const [main, all] = report.judge!.groupings;
    expect(main.name).toBe('main');
    expect(main.classes).toEqual(['brown', 'austen', 'melville']);
    expect(main.rows).toEqual(['any', 'brown', 'austen', 'melville']);
    expect(all.classes).toEqual(['general', 'mystery', 'austen', 'melville']);
    expect(all.rows).toEqual(STYLES);
    for (const g of [main, all]) {
      // Every generated line lands in one cell: each asked style's row sums to its lines.
      expect(g.matrix.map((r) => r.reduce((a, b) => a + b, 0))).toEqual(g.rows.map(() => samples));
      expect(g.judged).toBe(3 * samples);
      const diagonal = g.rows.reduce(
        (n, row, i) => n + (g.classes.includes(row) ? g.matrix[i][g.classes.indexOf(row)] : 0),
        0,
      );
      expect(g.correct).toBe(diagonal);
      expect(g.accuracy).toBeCloseTo(g.correct / g.judged, 12);
      for (const x of [g.accuracy!, g.balanced!, g.real.accuracy!, g.real.balanced!]) {
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(1);
      }
      expect(g.real.passages).toBeGreaterThan(0);
    }
    // The judge on real passages of these very different word lists: near perfect.
    expect(main.real.accuracy!).toBeGreaterThan(0.9);
    expect(report.judge!.texts.map((t) => [t.style, t.heldOut])).toEqual([
      ['general', false],
      ['mystery', true],
      ['austen', true],
      ['melville', true],
    ]);
    const text = report.lines.join('\n');
    expect(text).toMatch(/^styles \(4\): any, general, austen, melville$/m);
    expect(text).toMatch(/^main styles \(brown, austen, melville\): the judge names the style asked for in /m);
    expect(text).toMatch(/^all styles: the judge names the style asked for in /m);
    expect(report.lines.filter((l) => l.startsWith('  [')).map((l) => l.slice(3, l.indexOf(']')))).toEqual(STYLES);
    expect(report.lines.every((l) => !/NaN|undefined/.test(l) || l.startsWith('validation loss'))).toBe(true);
  }

  it('on a tiny styled model: per style loss, real-word rate and judge, with both confusion matrices', async () => {
    const printed: string[] = [];
    const started = Date.now();
    const report = await qualityReport({ model: validated, samples: 4, chars: 120, corpus, judge: JUDGE }, (line) =>
      printed.push(line),
    );
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(printed).toEqual(report.lines);
    checkStyled(report, 4);
    expect(report.vocabularyFrom).toBe(corpus);
    const loss = Object.fromEntries(report.styles.map((s) => [s.style, [s.loss, s.lossChars]]));
    expect(loss).toEqual({ any: [4.1, 1234], general: [null, null], austen: [3.9, 600], melville: [null, null] });
    const text = report.lines.join('\n');
    expect(text).toMatch(/^validation loss: 4\.1 nats\/char \(5\.915 bits\/char\)$/m);
    expect(text).toMatch(/brown fed as any 4\.1, with its true styles 4\.05 \(1,234 chars\); by source: brown 4\.0500/);
    expect(text).toMatch(/held-out text: what training held out/);
    expect(text).toMatch(/^ {2}austen {10}3\.9000 \(600\) {10}\d+\.\d%/m);
    expect(text).toMatch(/\(any: Brown's held-out text fed as any\)/);
  });

  it('on a tiny styled model without a validation block, and the report on the command line', async () => {
    const { stdout } = await promisify(execFile)(
      'npx',
      ['tsx', 'scripts/quality-report.ts', '--model', model, '--samples', '3', '--chars', '80', '--corpus', corpus],
      { cwd: ROOT, timeout: 60_000 },
    );
    expect(stdout).toMatch(/^model tiny-styled: 0\.02M parameters, trained on \? for \? min$/m);
    expect(stdout).toMatch(/held-out loss per style: the artifact records none/);
    expect(stdout).toMatch(/in 12 samples \(3 per style\) are in the corpus vocabulary/);
    expect(stdout).toMatch(/held-out text: each source's last 5% of this file.*records no corpus/);
    expect(stdout).toMatch(/confusion \(rows: the style asked for, as its main style; columns: what the judge says\)/);
    // Without the judge's options the synthetic corpus's held-out text is too short: seen text for every style.
    expect(stdout).toMatch(/^ {2}melville {8}\d[\d,]* chars the model trained on/m);
    const report = await qualityReport({ model, samples: 3, chars: 80, corpus, judge: JUDGE });
    checkStyled(report, 3);
    expect(report.styles.every((s) => s.loss === null && s.lossChars === null)).toBe(true);
  });

  it("without the styled corpus: brown-fiction.txt's vocabulary, no judge, and says so", async () => {
    const report = await qualityReport({ model, samples: 2, chars: 60, corpus: join(dir, 'missing.tsv') });
    expect(report.judge).toBeUndefined();
    expect(report.vocabularyFrom).toMatch(/colab\/data\/brown-fiction\.txt$/);
    expect(report.styles.every((s) => s.main.expected === null && s.all.expected === null)).toBe(true);
    const text = report.lines.join('\n');
    expect(text).toMatch(/brown-fiction\.txt: .*missing\.tsv is not built, run npm run build:corpus/);
    expect(text).toMatch(/^style judge: none \(.*missing\.tsv is not built: run npm run build:corpus\)$/m);
    expect(text).not.toMatch(/confusion/);
  });

  it('on the shipped small (no styles): the lines it always printed', async () => {
    const report = await qualityReport({ model: 'small', samples: 3, chars: 60, corpus });
    expect(report.styled).toBe(false);
    expect(report.judge).toBeUndefined();
    expect(report.lines).toHaveLength(9);
    expect(report.lines[0]).toMatch(/^model small: 3\.33M parameters, trained on cuda .* for 5\.2 min$/);
    expect(report.lines[1]).toBe('validation loss: 1.4187 nats/char (2.047 bits/char)');
    // As the report printed before styles (the same requests, seeds and vocabulary: the same numbers).
    expect(report.lines[2]).toBe(
      'real-word rate at temperature 0.8: 100.0% of 33 words in 3 samples are in the corpus vocabulary (19350 words)',
    );
    expect(report.lines[4]).toBe(
      '  The old house looked around behind the sun with the club of society camp by his face.',
    );
    expect(report.lines[3]).toBe('samples (temperature 0.8, sentence stop):');
    report.lines.slice(4).forEach((line, i) => {
      expect(line.startsWith(`  ${SEEDS[i]}`)).toBe(true);
    });
    expect(report.vocabularyFrom).toMatch(/brown-fiction\.txt$/);
  });
});
