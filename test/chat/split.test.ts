/** Long text split under a platform's limit (src/chat/split.ts). */
import { describe, expect, it } from 'vitest';
import { splitText } from '../../src/chat/split.ts';

describe('splitText', () => {
  it('keeps short text whole', () => {
    expect(splitText('Short.', 2000)).toEqual(['Short.']);
  });

  it('splits on sentence ends under the limit', () => {
    const sentence = 'The keeper climbed the stairs, counting each one as he went. ';
    const pieces = splitText(sentence.repeat(80), 2000);
    expect(pieces.length).toBeGreaterThan(1);
    for (const p of pieces) {
      expect(p.length).toBeLessThanOrEqual(2000);
      expect(p.endsWith('.')).toBe(true);
    }
    expect(pieces.join(' ')).toBe(sentence.repeat(80).trim());
  });

  it('falls back to spaces, then to a hard cut, and never splits a surrogate pair', () => {
    expect(splitText('word '.repeat(1000), 100).every((p) => p.length <= 100 && !p.startsWith(' '))).toBe(true);
    const emoji = '\u{1F408}'.repeat(3000);
    const pieces = splitText(emoji, 2000);
    expect(pieces.join('')).toBe(emoji);
    expect(pieces.every((p) => p.length <= 2000 && !/^[\uDC00-\uDFFF]/.test(p))).toBe(true);
  });
});
