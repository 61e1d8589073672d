/**
 * A style judge for the quality report: character n-gram multinomial naive Bayes with add-k smoothing and equal
 * priors, plus the confusion matrix of its answers.
 *
 *   const judge = new NgramNaiveBayes(['brown', 'austen']);   // 1- to 4-grams, add-0.1
 *   judge.train('brown', text1); judge.train('austen', text2);
 *   judge.classify('It is a truth universally acknowledged');   // 'austen'
 *   confusion(['brown', 'austen'], ['brown', 'austen'], [['brown', 'austen'], ...]);   // counts[row][col]
 */

/** Which n-grams and how much smoothing. */
export interface NaiveBayesOptions {
  /** The shortest n-gram (1). */
  minN?: number;
  /** The longest n-gram (4). */
  maxN?: number;
  /** Add-k: each n-gram's count gets k, so one never seen in a class costs a finite amount (0.1). */
  alpha?: number;
}

/**
 * Multinomial naive Bayes over the character n-grams of a text, orders minN..maxN each its own multinomial:
 * log P(text | class) = Σ over the text's n-grams g of
 *   log((count(g, class) + α) / (total(n, class) + α·(V_n + 1))),
 * V_n the distinct n-grams of order n seen in training (+1 for the unseen). The classes' priors are equal.
 */
export class NgramNaiveBayes {
  readonly minN: number;
  readonly maxN: number;
  readonly alpha: number;
  /** Each n-gram's count per class. */
  private readonly counts = new Map<string, Float64Array>();
  /** [class][n - minN]: the n-grams of order n a class was trained on. */
  private readonly totals: Float64Array[];
  /** [n - minN]: the distinct n-grams of order n. */
  private readonly distinct: number[];
  private readonly index: Map<string, number>;

  constructor(
    readonly labels: readonly string[],
    options: NaiveBayesOptions = {},
  ) {
    this.minN = options.minN ?? 1;
    this.maxN = options.maxN ?? 4;
    this.alpha = options.alpha ?? 0.1;
    if (!(this.minN >= 1 && this.maxN >= this.minN && this.alpha > 0) || labels.length === 0) {
      throw new Error('naive Bayes: needs classes, 1 <= minN <= maxN and alpha > 0');
    }
    this.index = new Map(labels.map((label, k) => [label, k]));
    if (this.index.size !== labels.length) throw new Error('naive Bayes: class names must be distinct');
    this.totals = labels.map(() => new Float64Array(this.maxN - this.minN + 1));
    this.distinct = Array.from({ length: this.maxN - this.minN + 1 }, () => 0);
  }

  /** The n-grams of a text, each with its order. */
  private *ngrams(text: string): Generator<[string, number]> {
    // By code point; a text without surrogate pairs (the usual case) is sliced as it is, which is faster.
    const chars = /[\uD800-\uDFFF]/.test(text) ? [...text] : text;
    for (let n = this.minN; n <= this.maxN; n++) {
      for (let i = 0; i + n <= chars.length; i++) {
        yield [typeof chars === 'string' ? chars.slice(i, i + n) : chars.slice(i, i + n).join(''), n];
      }
    }
  }

  /** Counts a text's n-grams for a class. */
  train(label: string, text: string): void {
    const k = this.index.get(label);
    if (k === undefined) throw new Error(`naive Bayes: unknown class ${JSON.stringify(label)}`);
    for (const [gram, n] of this.ngrams(text)) {
      let row = this.counts.get(gram);
      if (!row) {
        row = new Float64Array(this.labels.length);
        this.counts.set(gram, row);
        this.distinct[n - this.minN]++;
      }
      row[k]++;
      this.totals[k][n - this.minN]++;
    }
  }

  /** The log-likelihood of a text under each class (in `labels` order); higher is likelier. */
  scores(text: string): number[] {
    const { alpha } = this;
    const denominators = this.totals.map((byOrder) =>
      Array.from(byOrder, (total, o) => Math.log(total + alpha * (this.distinct[o] + 1))),
    );
    const out = this.labels.map(() => 0);
    const logAlpha = Math.log(alpha);
    for (const [gram, n] of this.ngrams(text)) {
      const row = this.counts.get(gram);
      for (let k = 0; k < out.length; k++) {
        out[k] += (row ? Math.log(row[k] + alpha) : logAlpha) - denominators[k][n - this.minN];
      }
    }
    return out;
  }

  /** The likeliest class of a text (the first of equals). */
  classify(text: string): string {
    const s = this.scores(text);
    let best = 0;
    for (let k = 1; k < s.length; k++) if (s[k] > s[best]) best = k;
    return this.labels[best];
  }
}

/**
 * Counts pairs (row, column) into a matrix: counts[i][j] = how many pairs have rows[i] and columns[j]; a pair
 * whose row or column is not listed is left out.
 */
export function confusion(
  rows: readonly string[],
  columns: readonly string[],
  pairs: Iterable<readonly [string, string]>,
): number[][] {
  const matrix = rows.map(() => columns.map(() => 0));
  for (const [row, column] of pairs) {
    const i = rows.indexOf(row);
    const j = columns.indexOf(column);
    if (i >= 0 && j >= 0) matrix[i][j]++;
  }
  return matrix;
}

/** A matrix as aligned text lines: a header of column names, then each row's name and counts. */
export function formatMatrix(rows: readonly string[], columns: readonly string[], matrix: number[][]): string[] {
  const first = Math.max(...rows.map((r) => r.length), 5);
  const width = columns.map((c, j) => Math.max(c.length, ...matrix.map((row) => String(row[j]).length)));
  const line = (name: string, cells: string[]) =>
    `${name.padEnd(first)}  ${cells.map((cell, j) => cell.padStart(width[j])).join('  ')}`.trimEnd();
  return [
    line('', [...columns]),
    ...rows.map((r, i) =>
      line(
        r,
        matrix[i].map((x) => String(x)),
      ),
    ),
  ];
}
