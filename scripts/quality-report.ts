/**
 * A model's quality report: its validation loss (from the artifact), the real-word
 * rate (the share of generated words, at temperature 0.8, that occur in the
 * training corpus's vocabulary), and sample lines. A model with styles adds, per style, its held-out loss, the
 * real-word rate of lines written in it, and how often a style judge (character n-gram naive Bayes) names it,
 * with the confusion matrices (scripts/quality/report.ts).
 *
 * Usage: npm run quality -- [--model small] [--samples 60] [--chars 280] [--corpus colab/data/corpus.tsv]
 * (--samples: lines per style for a model with styles)
 */
import { parseArgs } from 'node:util';
import { qualityReport, STYLED_CORPUS } from './quality/report.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'small' },
    samples: { type: 'string', default: '60' },
    chars: { type: 'string', default: '280' },
    corpus: { type: 'string', default: STYLED_CORPUS },
  },
});
await qualityReport(
  { model: values.model!, samples: Number(values.samples), chars: Number(values.chars), corpus: values.corpus },
  (line) => console.log(line),
);
