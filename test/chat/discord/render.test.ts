/** The pure parts of the Discord look: escaping, splitting, thread names, and frames read back from a message. */
import { describe, expect, it } from 'vitest';
import { LINE_POSTED, votePosted } from '../../../src/chat/discord/delivery.ts';
import {
  MESSAGE_LIMIT,
  buttonRows,
  clip,
  escapedPieces,
  escapeStory,
  frameOf,
  openingFrame,
  requestFrame,
  statusLineOf,
  threadName,
  voteBodies,
} from '../../../src/chat/discord/render.ts';
import type { Button, VoteView } from '../../../src/core/types.ts';
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

  it('keeps a vote within Discord’s limits at its worst: 5 candidates of 1,000 characters, crowds of names', () => {
    const name = `*${'Ñ'.repeat(60)}_`;
    const view = (texts: string[], open: boolean, voters: number): VoteView => ({
      open,
      title: `🗳️ Vote on the next line (${texts.length} candidates, asked for by ${name.repeat(3)})`,
      candidates: texts.map((text, i) => ({
        n: i + 1,
        text,
        votes: voters,
        voters: Array.from({ length: voters }, (_, v) => `${name}${v}`),
        won: !open && i === 4,
      })),
      footer: `${name.repeat(10)} can /pick one now. `.repeat(5),
      closesAt: '2030-01-01T00:00:00.000Z',
    });
    const buttons: Button[] = [1, 2, 3, 4, 5].map((n) => ({
      action: 'vote',
      label: `Vote ${n} · 99999`,
      customId: `sl:vote:${'0'.repeat(26)}:${'1'.repeat(26)}:${n}`,
      style: 'primary',
    }));
    // Too long for the vote's message (some double once escaped): each goes first, in full, in its own messages.
    const worst = ['*_'.repeat(500), '#'.repeat(1000), '>'.repeat(1000), '~'.repeat(1000), '`|'.repeat(500)];
    for (const open of [true, false]) {
      const bodies = voteBodies(view(worst, open, 99_999), open ? buttons : []);
      expect(bodies.vote.content.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
      expect(bodies.candidates).toHaveLength(5);
      for (const [i, pieces] of bodies.candidates.entries()) {
        for (const piece of pieces) expect(piece.content.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
        const text = pieces.map((p) => unescaped(p.content)).join('');
        expect(text).toBe(`🗳️ **Candidate ${i + 1}** of 5:\n${worst[i]}`);
      }
      const rows = bodies.vote.components.map((row) => row.toJSON());
      expect(rows.map((row) => row.components.length)).toEqual(open ? [5] : []);
      expect(bodies.vote.content).toContain(open ? '⏳ Closes <t:1893456000:R>.' : '**5.** 🏆 ');
      expect(bodies.vote.content).toContain(`99999 votes (${clip(escapeStory(`${name}0`), 24)}, `);
      expect(bodies.vote.content).toContain(' and 99996 more)');
    }
    // Three short candidates are shown whole in the vote's own message: nothing goes before it.
    const short = voteBodies(view(['One.', 'Two *bold*.', 'Three.'], true, 0), buttons.slice(0, 3));
    expect(short.candidates).toEqual([]);
    expect(unescaped(short.vote.content)).toContain('\n**2.** Two *bold*. — no votes\n');
    // More buttons than a row takes are put in rows of five.
    const seven = buttonRows([...buttons, ...buttons.slice(0, 2)].map((b, i) => ({ ...b, customId: `b${i}` })));
    expect(seven.map((row) => row.toJSON().components.length)).toEqual([5, 2]);
    expect(votePosted({ candidates: [1, 2, 3], status: 'open' } as never)).toBe(
      '✅ Written: 3 candidates are up for a vote in the thread.',
    );
  });
});
