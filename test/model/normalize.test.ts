import { describe, expect, it } from 'vitest';
import { Normalizer, type NormalizationRules } from '../../src/model/normalize.ts';
import { readJson } from '../helpers/python.ts';

const vectors = readJson<{
  vocabulary: string[];
  rules: NormalizationRules;
  cases: { name: string; input: string; expected: string }[];
}>('contract/normalization/vectors.json');

describe('normalization (shared vectors)', () => {
  const normalizer = new Normalizer(vectors.vocabulary, vectors.rules);
  it.each(vectors.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(normalizer.normalize(c.input)).toBe(c.expected);
  });

  it('never yields a character outside the vocabulary, whatever the input', () => {
    const vocab = new Set(vectors.vocabulary);
    let nasty = '';
    for (let cp = 0; cp < 0x3000; cp += 7) nasty += String.fromCodePoint(cp);
    nasty += '\u{1F600}\u{10FFFF}\ud800\udfff';
    expect([...normalizer.normalize(nasty)].every((ch) => vocab.has(ch))).toBe(true);
  });

  it('replaces unknown characters when the rules say so', () => {
    const n = new Normalizer(['a', ' ', '?'], { unknown: 'replace', unknown_replacement: '?' });
    expect(n.normalize('a\u4f60a')).toBe('a?a');
  });

  it('rejects a replacement outside the vocabulary', () => {
    expect(() => new Normalizer(['a'], { unknown: 'replace', unknown_replacement: '#' })).toThrow(/vocabulary/);
  });
});
