/**
 * A model's quality report (npm run quality; scripts/quality-report.ts is its command line).
 *
 * A model without styles: its validation loss (from the artifact), the real-word rate (the share of generated
 * words, at temperature 0.8, that occur in brown-fiction.txt's vocabulary), and sample lines.
 *
 * A model with styles (its artifact lists them, `any` first) adds, per style: the held-out loss its training
 * recorded (`training.validation`), the real-word rate of lines generated in that style (the vocabulary is
 * colab/data/corpus.tsv's words), and how often a style judge, character n-gram naive Bayes learnt from real text
 * of each style, names the style asked for: over the main styles (brown, austen, melville: Brown's six categories
 * as one) and over all the corpus's styles; with both confusion matrices and the judge's own accuracy on real
 * passages it did not learn from. The judge learns from text training held out where there is enough of it.
 *
 *   const report = await qualityReport({ model: 'small', samples: 60, chars: 280 }, console.log);
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Engine, GenerationRequest } from '../../src/model/engine.ts';
import { loadModel } from '../../src/model/models.ts';
import {
  heldOutFlags,
  mainStyles,
  type Paragraph,
  parseStyledCorpus,
  passages,
  splitText,
  type StyleText,
  type StyleTextOptions,
  styleTexts,
} from './corpus.ts';
import { confusion, formatMatrix, type NaiveBayesOptions, NgramNaiveBayes } from './naive-bayes.ts';

export const SEEDS = [
  'The old house ',
  'She opened the door and ',
  '"Where are you going?" he asked. ',
  'It was a dark night, ',
  'Nobody in the village knew ',
  'The detective looked at ',
  'When the ship landed on the new planet, ',
  'He had never seen ',
  'The letter arrived on a Tuesday. ',
  'They rode out at dawn ',
];
const WORD = /[a-z]+(?:'[a-z]+)?/g;
const DATA = new URL('../../colab/data/', import.meta.url);
/** The plain training text: the vocabulary of a model without styles. */
export const PLAIN_TEXT = fileURLToPath(new URL('brown-fiction.txt', DATA));
/** The styled training text (npm run build:corpus; git-ignored). */
export const STYLED_CORPUS = fileURLToPath(new URL('corpus.tsv', DATA));
const NONE = '—';

/** Lowercase words of a text. */
export function words(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/** How the style judge learns and is tested. */
export interface JudgeOptions extends StyleTextOptions, NaiveBayesOptions {
  /** The share of each style's text it is tested on, not learnt from (0.2). */
  testFraction?: number;
}

export interface QualityOptions {
  /** A shipped model's name or an artifact's path. */
  model: string;
  /** Lines generated for the real-word rate (per style, for a model with styles). */
  samples: number;
  /** Characters per line. */
  chars: number;
  /** The styled corpus (STYLED_CORPUS). */
  corpus?: string;
  /** The plain text (PLAIN_TEXT). */
  plainText?: string;
  judge?: JudgeOptions;
}

/** What the style judge says of lines, in one grouping of the styles. */
export interface Grouping {
  /** `main` (brown, austen, melville) or `all` (every style of the corpus). */
  name: 'main' | 'all';
  /** The judge's answers. */
  classes: string[];
  /** The matrix's rows: the style asked for (main: its main style; `any` too, not scored). */
  rows: string[];
  /** counts[row][class]. */
  matrix: number[][];
  /** Generated lines whose asked style the judge knows, and how many it named right. */
  judged: number;
  correct: number;
  /** correct / judged (null when none), and the mean of each class's (main). */
  accuracy: number | null;
  balanced: number | null;
  /** The judge on real passages it did not learn from: how many, and its accuracy, overall and balanced. */
  real: { passages: number; accuracy: number | null; balanced: number | null };
}

/** One style of a model with styles. */
export interface StyleReport {
  style: string;
  /** The held-out loss training recorded for it (nats/char), and over how many characters; null when none. */
  loss: number | null;
  lossChars: number | null;
  /** Generated words (the first and last of each line left out) and how many are in the vocabulary. */
  words: number;
  realWords: number;
  /** Per grouping: the class the style counts as (null: the judge does not know it), lines judged, right. */
  main: { expected: string | null; judged: number; correct: number };
  all: { expected: string | null; judged: number; correct: number };
}

/** The judge's text for one style, and its accuracy on that style's real passages. */
export interface JudgeText {
  style: string;
  heldOut: boolean;
  chars: number;
  passages: number;
  main: number | null;
  all: number | null;
}

export interface QualityReport {
  model: string;
  styled: boolean;
  /** The share of generated words in the vocabulary (all lines), of how many; the vocabulary's size and file. */
  realWordRate: number;
  words: number;
  vocabulary: number;
  vocabularyFrom: string;
  /** Per style (a model with styles; empty otherwise). */
  styles: StyleReport[];
  /** Absent without styles or without the styled corpus. */
  judge?: { texts: JudgeText[]; groupings: Grouping[] };
  /** The report's lines, as printed. */
  lines: string[];
}

interface ArtifactDoc {
  metrics?: { val_loss?: number };
  training?: {
    device?: string;
    minutes?: number;
    corpus_sha256?: string;
    validation?: Validation | null;
  };
  corpus?: { path?: string; sha256?: string };
}

/** colab/train/styled.py's validation report. */
interface Validation {
  val?: { source?: string; chars?: number; any?: number; styled?: number };
  sources?: Record<string, { loss: number | null; chars: number }>;
  styles?: Record<string, { loss: number | null; chars: number }>;
}

const percent = (x: number | null, digits = 1) => (x === null ? NONE : `${(100 * x).toFixed(digits)}%`);
const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
const thousands = (n: number) => n.toLocaleString('en-US');
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/** The header both kinds of report start with. */
function header(engine: Engine, doc: ArtifactDoc): string[] {
  return [
    `model ${engine.info.name}: ${(engine.info.parameters / 1e6).toFixed(2)}M parameters, ` +
      `trained on ${doc.training?.device ?? '?'} for ${doc.training?.minutes ?? '?'} min`,
    `validation loss: ${doc.metrics?.val_loss ?? '?'} nats/char ` +
      `(${((doc.metrics?.val_loss ?? NaN) / Math.LN2).toFixed(3)} bits/char)`,
  ];
}

/** Requests for `n` lines of `chars` characters at temperature 0.8 (seeds 1000 + i), in `style` if given. */
function lineRequests(n: number, chars: number, style?: string): GenerationRequest[] {
  return Array.from({ length: n }, (_, i) => ({
    prompt: SEEDS[i % SEEDS.length],
    options: { temperature: 0.8, maxChars: chars, stop: 'none' as const, seed: 1000 + i },
    ...(style === undefined ? {} : { style }),
  }));
}

/** The words of generated lines that count: the first may finish the seed's, the last may be cut. */
function lineWords(texts: string[]): string[] {
  return texts.flatMap((text) => words(text).slice(1, -1));
}

/** The report of a model without styles: exactly the lines it always printed. */
async function plainReport(engine: Engine, doc: ArtifactDoc, o: QualityOptions, print: (line: string) => void) {
  const lines: string[] = [];
  const say = (line: string) => {
    lines.push(line);
    print(line);
  };
  const plainText = o.plainText ?? PLAIN_TEXT;
  const vocabulary = new Set(words(readFileSync(plainText, 'utf8')));
  const results = await engine.generate(lineRequests(o.samples, o.chars));
  const generated = lineWords(results.map((r) => r.text));
  const real = generated.filter((w) => vocabulary.has(w)).length;
  for (const line of header(engine, doc)) say(line);
  say(
    `real-word rate at temperature 0.8: ${((100 * real) / generated.length).toFixed(1)}% of ${generated.length} ` +
      `words in ${o.samples} samples are in the corpus vocabulary (${vocabulary.size} words)`,
  );
  say('samples (temperature 0.8, sentence stop):');
  const samples = await engine.generate(
    SEEDS.slice(0, 5).map((prompt, i) => ({ prompt, options: { temperature: 0.8, seed: 7 + i } })),
  );
  samples.forEach((s, i) => {
    say(`  ${SEEDS[i]}${s.text.trim()}`);
  });
  const report: QualityReport = {
    model: engine.info.name,
    styled: false,
    realWordRate: real / generated.length,
    words: generated.length,
    vocabulary: vocabulary.size,
    vocabularyFrom: plainText,
    styles: [],
    lines,
  };
  return report;
}

/** The judge: learnt from each style's text (but its test part), measured on that part's passages. */
function trainJudge(
  paragraphs: Paragraph[],
  held: boolean[],
  chars: number,
  options: JudgeOptions,
): {
  texts: StyleText[];
  mainOf: Map<string, string>;
  judges: { main: NgramNaiveBayes; all: NgramNaiveBayes };
  real: JudgeText[];
  realGroupings: Record<'main' | 'all', Grouping['real']>;
} {
  const texts = styleTexts(paragraphs, held, options);
  const mainOf = mainStyles(paragraphs);
  const all = new NgramNaiveBayes(
    texts.map((t) => t.style),
    options,
  );
  const main = new NgramNaiveBayes([...new Set(texts.map((t) => mainOf.get(t.style)!))], options);
  const tests = texts.map((t) => {
    const { train, test } = splitText(t, options.testFraction ?? 0.2);
    all.train(t.style, train);
    main.train(mainOf.get(t.style)!, train);
    return passages(test, chars);
  });
  const real = texts.map((t, k) => ({
    style: t.style,
    heldOut: t.heldOut,
    chars: t.chars,
    passages: tests[k].length,
    main: ratio(tests[k].filter((p) => main.classify(p) === mainOf.get(t.style)).length, tests[k].length),
    all: ratio(tests[k].filter((p) => all.classify(p) === t.style).length, tests[k].length),
  }));
  const total = tests.reduce((n, t) => n + t.length, 0);
  const right = (key: 'main' | 'all') => real.reduce((n, r) => n + (r[key] ?? 0) * r.passages, 0);
  // Balanced: the mean over classes of each class's accuracy (main: Brown's categories' passages pooled).
  const byMain = [...new Set(texts.map((t) => mainOf.get(t.style)!))].map((cls) => {
    const members = real.filter((r) => mainOf.get(r.style) === cls);
    const n = members.reduce((a, r) => a + r.passages, 0);
    return ratio(
      members.reduce((a, r) => a + (r.main ?? 0) * r.passages, 0),
      n,
    );
  });
  const realGroupings = {
    main: {
      passages: total,
      accuracy: ratio(right('main'), total),
      balanced: mean(byMain.filter((x) => x !== null) as number[]),
    },
    all: {
      passages: total,
      accuracy: ratio(right('all'), total),
      balanced: mean(real.filter((r) => r.all !== null).map((r) => r.all!)),
    },
  };
  return { texts, mainOf, judges: { main, all }, real, realGroupings };
}

/** A style's held-out loss, as training recorded it (`any`: Brown's held-out text fed as `any`). */
function lossOf(style: string, v: Validation | null | undefined): { loss: number | null; chars: number | null } {
  const own = v?.styles?.[style];
  if (own) return { loss: own.loss, chars: own.chars };
  if (style === 'any' && typeof v?.val?.any === 'number') return { loss: v.val.any, chars: v.val.chars ?? null };
  return { loss: null, chars: null };
}

/** The report of a model with styles. */
async function styledReport(engine: Engine, doc: ArtifactDoc, o: QualityOptions, print: (line: string) => void) {
  const lines: string[] = [];
  const say = (line: string) => {
    lines.push(line);
    print(line);
  };
  const styles = engine.info.styles;
  const corpusPath = o.corpus ?? STYLED_CORPUS;
  const hasCorpus = existsSync(corpusPath);
  const vocabularyFrom = hasCorpus ? corpusPath : (o.plainText ?? PLAIN_TEXT);
  const raw = readFileSync(vocabularyFrom);
  const paragraphs = hasCorpus ? parseStyledCorpus(raw.toString('utf8'), corpusPath) : [];
  const vocabulary = new Set(hasCorpus ? paragraphs.flatMap((p) => words(p.text)) : words(raw.toString('utf8')));
  for (const line of header(engine, doc)) say(line);
  say(`styles (${styles.length}): ${styles.join(', ')}`);
  const validation = doc.training?.validation;
  if (validation?.val) {
    const v = validation.val;
    const sources = Object.entries(validation.sources ?? {})
      .map(([name, s]) => `${name} ${s.loss?.toFixed(4) ?? NONE} (${thousands(s.chars)})`)
      .join(', ');
    say(
      `held-out loss (training.validation, nats/char): ${v.source ?? '?'} fed as any ${v.any ?? '?'}, ` +
        `with its true styles ${v.styled ?? '?'} (${thousands(v.chars ?? 0)} chars); by source: ${sources || NONE}`,
    );
  } else {
    say('held-out loss per style: the artifact records none (no training.validation: not trained on a styled text)');
  }

  // Generation: the same prompts and seeds in every style, so the styles differ by their style input alone.
  const texts = new Map<string, string[]>();
  for (const style of styles) {
    const results = await engine.generate(lineRequests(o.samples, o.chars, style));
    texts.set(
      style,
      results.map((r) => r.text),
    );
  }
  const generatedAll = lineWords([...texts.values()].flat());
  const realAll = generatedAll.filter((w) => vocabulary.has(w)).length;
  const vocabularyNote = hasCorpus
    ? corpusPath.endsWith('colab/data/corpus.tsv')
      ? 'colab/data/corpus.tsv'
      : corpusPath
    : `brown-fiction.txt: ${corpusPath} is not built, run npm run build:corpus`;
  say(
    `real-word rate at temperature 0.8: ${percent(ratio(realAll, generatedAll.length))} of ` +
      `${generatedAll.length} words in ${o.samples * styles.length} samples (${o.samples} per style) ` +
      `are in the corpus vocabulary (${vocabulary.size} words, ${vocabularyNote})`,
  );

  // The judge.
  let judge: ReturnType<typeof trainJudge> | undefined;
  if (!hasCorpus) {
    say(`style judge: none (${corpusPath} is not built: run npm run build:corpus)`);
  } else {
    const corpusSha = createHash('sha256').update(raw).digest('hex');
    const recorded = doc.training?.corpus_sha256 ?? doc.corpus?.sha256;
    const same = recorded === corpusSha;
    const held = heldOutFlags(paragraphs, same ? (t) => engine.normalize(t) : (t) => t);
    const options = o.judge ?? {};
    judge = trainJudge(paragraphs, held, o.chars, options);
    const { minN, maxN, alpha } = judge.judges.all;
    say(
      `style judge: character ${minN}-${maxN}-gram naive Bayes, add-${alpha} smoothing, equal priors; per style it ` +
        `learns from the first ${Math.round(100 * (1 - (options.testFraction ?? 0.2)))}% of up to ` +
        `${thousands(options.maxChars ?? 100_000)} chars of real text and is tested on the rest, in passages of ` +
        `${o.chars} chars`,
    );
    say(
      same
        ? "  held-out text: what training held out (each source's last 5%; the artifact's corpus sha256 matches)"
        : `  held-out text: each source's last 5% of this file, as training would hold it out (the artifact ` +
            `${recorded ? 'was trained on another corpus' : 'records no corpus'})`,
    );
    say(`  ${'style'.padEnd(16)}${'its text'.padEnd(40)}judge on its real passages: main / all styles`);
    for (const r of judge.real) {
      const text = `${thousands(r.chars)} chars ${r.heldOut ? 'held out' : 'the model trained on'}`;
      say(`  ${r.style.padEnd(16)}${text.padEnd(40)}${percent(r.main)} / ${percent(r.all)} of ${r.passages}`);
    }
    const { main, all } = judge.realGroupings;
    say(
      `  judge on real passages: main styles ${percent(main.accuracy)} (balanced ${percent(main.balanced)}), ` +
        `all styles ${percent(all.accuracy)} (balanced ${percent(all.balanced)}), of ${main.passages}`,
    );
  }

  // Per style.
  const reports: StyleReport[] = styles.map((style) => {
    const generated = lineWords(texts.get(style)!);
    const { loss, chars } = lossOf(style, validation);
    const score = (key: 'main' | 'all') => {
      const expected = judge ? ((key === 'main' ? judge.mainOf.get(style) : style) ?? null) : null;
      if (!judge || expected === null || !judge.judges[key].labels.includes(expected)) {
        return { expected: null, judged: 0, correct: 0 };
      }
      const answers = texts.get(style)!.map((t) => judge.judges[key].classify(t));
      return { expected, judged: answers.length, correct: answers.filter((a) => a === expected).length };
    };
    return {
      style,
      loss,
      lossChars: chars,
      words: generated.length,
      realWords: generated.filter((w) => vocabulary.has(w)).length,
      main: score('main'),
      all: score('all'),
    };
  });
  say(`per style (${o.samples} lines of ${o.chars} chars at temperature 0.8; the same prompts and seeds in each):`);
  const cells = ['style', 'held-out loss', 'real words', 'main styles', 'all styles'];
  const widths = [16, 22, 12, 22];
  const row = (c: string[]) => `  ${c.map((x, i) => (i < widths.length ? x.padEnd(widths[i]) : x)).join('')}`;
  say(row(cells));
  const judged = (s: StyleReport['main']) =>
    s.expected === null ? NONE : `${percent(ratio(s.correct, s.judged))} (${s.correct}/${s.judged})`;
  for (const r of reports) {
    const loss = r.loss === null ? NONE : `${r.loss.toFixed(4)} (${thousands(r.lossChars ?? 0)})`;
    say(row([r.style, loss, percent(ratio(r.realWords, r.words)), judged(r.main), judged(r.all)]));
  }
  if (reports.some((r) => r.style === 'any' && r.loss !== null) && !validation?.styles?.any) {
    say("  (any: Brown's held-out text fed as any)");
  }

  // The confusion matrices.
  const groupings: Grouping[] = [];
  if (judge) {
    const j = judge;
    for (const name of ['main', 'all'] as const) {
      const classifier = j.judges[name];
      const classes = [...classifier.labels];
      const asked = (style: string) => (name === 'main' ? (j.mainOf.get(style) ?? style) : style);
      const rows = [...new Set(styles.map(asked))];
      const pairs = styles.flatMap((style) =>
        texts.get(style)!.map((t) => [asked(style), classifier.classify(t)] as const),
      );
      const matrix = confusion(rows, classes, pairs);
      const scored = reports.filter((r) => r[name].expected !== null);
      const correct = scored.reduce((n, r) => n + r[name].correct, 0);
      const judgedLines = scored.reduce((n, r) => n + r[name].judged, 0);
      // Balanced: each class's accuracy (main: Brown's categories' lines pooled), then their mean.
      const perClass = [...new Set(scored.map((r) => r[name].expected!))].map((cls) => {
        const members = scored.filter((r) => r[name].expected === cls);
        return ratio(
          members.reduce((n, r) => n + r[name].correct, 0),
          members.reduce((n, r) => n + r[name].judged, 0),
        )!;
      });
      groupings.push({
        name,
        classes,
        rows,
        matrix,
        judged: judgedLines,
        correct,
        accuracy: ratio(correct, judgedLines),
        balanced: mean(perClass),
        real: j.realGroupings[name],
      });
    }
    for (const g of groupings) {
      const title = g.name === 'main' ? `main styles (${g.classes.join(', ')})` : 'all styles';
      say(
        `${title}: the judge names the style asked for in ${percent(g.accuracy)} of ${g.judged} generated lines ` +
          `(balanced over its classes ${percent(g.balanced)}); on real passages ${percent(g.real.accuracy)}`,
      );
      const rows = g.name === 'main' ? 'the style asked for, as its main style' : 'the style asked for';
      say(`  confusion (rows: ${rows}; columns: what the judge says):`);
      for (const line of formatMatrix(g.rows, g.classes, g.matrix)) say(`    ${line}`);
    }
  }

  say('samples (temperature 0.8, sentence stop), one per style:');
  const samples = await engine.generate(
    styles.map((style) => ({ prompt: SEEDS[0], options: { temperature: 0.8, seed: 7 }, style })),
  );
  samples.forEach((s, i) => {
    say(`  [${styles[i]}] ${SEEDS[0]}${s.text.trim()}`);
  });
  const report: QualityReport = {
    model: engine.info.name,
    styled: true,
    realWordRate: realAll / generatedAll.length,
    words: generatedAll.length,
    vocabulary: vocabulary.size,
    vocabularyFrom,
    styles: reports,
    ...(judge ? { judge: { texts: judge.real, groupings } } : {}),
    lines,
  };
  return report;
}

/** Runs the report on a model, printing each line as it comes; returns it, lines and numbers. */
export async function qualityReport(o: QualityOptions, print: (line: string) => void = () => {}) {
  const engine = await loadModel(o.model);
  const doc = engine.artifact.doc as ArtifactDoc;
  return engine.info.styles.length ? styledReport(engine, doc, o, print) : plainReport(engine, doc, o, print);
}
