/**
 * Text normalization by the rules stored in a model artifact; the twin of
 * colab/model/normalize.py, checked against the same vectors (contract/normalization/).
 * Steps: Unicode form, per-character replacements, accent stripping for
 * characters outside the vocabulary, dropping (or replacing) what is still
 * unknown, collapsing runs of spaces. No input can fail.
 */

/** The normalization rules of an artifact (its `normalization` key). */
export interface NormalizationRules {
  unicode?: 'NFC' | 'NFKC' | 'NFD' | 'NFKD' | null;
  replace?: Record<string, string>;
  strip_accents?: boolean;
  unknown?: 'drop' | 'replace';
  unknown_replacement?: string;
  collapse_spaces?: boolean;
}

const MARK = /\p{M}/gu;

/** Maps any text onto a vocabulary. */
export class Normalizer {
  private readonly vocabulary: Set<string>;
  private readonly unknown: string;

  constructor(
    vocabulary: readonly string[],
    private readonly rules: NormalizationRules,
  ) {
    this.vocabulary = new Set(vocabulary);
    const mode = rules.unknown ?? 'drop';
    if (mode !== 'drop' && mode !== 'replace')
      throw new Error(`normalization: unknown must be 'drop' or 'replace', not ${String(mode)}`);
    this.unknown = mode === 'replace' ? (rules.unknown_replacement ?? '') : '';
    if (![...this.unknown].every((ch) => this.vocabulary.has(ch))) {
      throw new Error('normalization: unknown_replacement must use vocabulary characters');
    }
  }

  private known(text: string): boolean {
    for (const ch of text) if (!this.vocabulary.has(ch)) return false;
    return true;
  }

  private mapChar(ch: string): string {
    const replaced = this.rules.replace?.[ch] ?? ch;
    if (this.known(replaced)) return replaced;
    if (this.rules.strip_accents) {
      const bare = replaced.normalize('NFD').replace(MARK, '');
      if (bare && this.known(bare)) return bare;
    }
    return this.unknown;
  }

  /** Returns `text` in vocabulary characters only. */
  normalize(text: string): string {
    const form = this.rules.unicode;
    let out = '';
    for (const ch of form ? text.normalize(form) : text) out += this.mapChar(ch);
    return this.rules.collapse_spaces ? out.replace(/ {2,}/g, ' ') : out;
  }
}
