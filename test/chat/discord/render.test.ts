/** The pure parts of the Discord look: escaping, splitting and thread names. */
import { describe, expect, it } from 'vitest';
import { clip, escapedPieces, escapeStory, threadName } from '../../../src/chat/discord/render.ts';

/** Text as it reads in Discord: Markdown escapes removed. */
const unescaped = (text: string) => text.replace(/\\(.)/g, '$1');

describe('Discord rendering', () => {
  it('escapes Markdown that would change how a story reads, and only that', () => {
    const text = '# Chapter\n> a quote\n-# small\n- a list\n1. first\n**bold** _it_ ~~gone~~ ||hidden|| `code` [link](http://x) \\ plain, words.';
    const escaped = escapeStory(text);
    expect(unescaped(escaped)).toBe(text);
    for (const start of ['\\# Chapter', '\\> a quote', '\\-# small', '\\- a list', '1\\. first']) expect(escaped).toContain(start);
    expect(escapeStory('Plain words, no marks.')).toBe('Plain words, no marks.');
  });

  it('splits escaped text into pieces under the limit that read back as the original', () => {
    const text = 'The *keeper* climbed. '.repeat(300) + '*'.repeat(3000);
    const pieces = escapedPieces(text, 2000);
    expect(pieces.length).toBeGreaterThan(3);
    for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(2000);
    expect(unescaped(pieces.join(' ')).replace(/\s+/g, '')).toBe(text.replace(/\s+/g, ''));
  });

  it('names threads within 100 characters without cutting an emoji in half, and clips statuses', () => {
    expect(threadName(`${'a'.repeat(99)}\u{1F408}x`)).toBe('a'.repeat(99));
    expect(threadName('Once  upon\na time')).toBe('Once upon a time');
    expect(threadName('\uD83D')).toBe('A storyloom story');
    expect(clip('\u{1F408}'.repeat(400))).toHaveLength(299);
  });
});
