/** The pure parts of the Discord look: escaping, splitting, thread names, and frames read back from a message. */
import { describe, expect, it } from 'vitest';
import { LINE_POSTED } from '../../../src/chat/discord/delivery.ts';
import {
  clip,
  escapedPieces,
  escapeStory,
  frameOf,
  openingFrame,
  requestFrame,
  statusLineOf,
  threadName,
} from '../../../src/chat/discord/render.ts';
import { failureText, isProgressText, progressText } from '../../../src/core/format.ts';

/** Text as it reads in Discord: Markdown escapes removed. */
const unescaped = (text: string) => text.replace(/\\(.)/g, '$1');

describe('Discord rendering', () => {
  it('escapes Markdown that would change how a story reads, and only that', () => {
    const text =
      '# Chapter\n> a quote\n-# small\n- a list\n1. first\n' +
      '**bold** _it_ ~~gone~~ ||hidden|| `code` [link](http://x) \\ plain, words.';
    const escaped = escapeStory(text);
    expect(unescaped(escaped)).toBe(text);
    for (const start of ['\\# Chapter', '\\> a quote', '\\-# small', '\\- a list', '1\\. first'])
      expect(escaped).toContain(start);
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

  it('reads a waiting reply’s frame back from its content, and tells progress from an outcome', () => {
    const states = [
      { state: 'queued', position: 2, etaS: 20 },
      { state: 'queued', position: 1, etaS: null },
      { state: 'writing', position: null, etaS: 5 },
      { state: 'paused', position: 1, etaS: null },
      { state: 'offline', position: 3, etaS: null },
    ] as const;
    for (const p of states) expect(isProgressText(progressText({ jobId: 'j', ...p })), p.state).toBe(true);
    for (const outcome of [
      LINE_POSTED,
      `⚠️ ${failureText('deadline', '')}`,
      '🛑 The story ended before this line was written.',
    ])
      expect(isProgressText(outcome)).toBe(false);

    for (const frame of [
      requestFrame('Ana *the* Bold', 'retry'),
      openingFrame('Ben', escapeStory('A # seed,\nin two lines.')),
    ]) {
      const waiting = frame('⏳ #1 in line');
      expect(isProgressText(statusLineOf(waiting))).toBe(true);
      expect(frameOf(waiting)(LINE_POSTED)).toBe(frame(LINE_POSTED));
    }
  });
});
