/** The titles the playground shows: a title cut from a longer opening ends at a whole word, with "…". */
import { describe, expect, it } from 'vitest';
import { displayTitle } from '../../../src/chat/playground/render.ts';
import { createStory } from '../../../src/stories/story.ts';

const place = { platform: 'playground' as const, channel: 'general', thread: null };
const settings = { temperature: 0.8, max_chars: 60 };
const titleOf = (opening: string) => displayTitle(createStory(opening, { id: 'pg:ann', name: 'Ann' }, place, settings));

describe('displayTitle', () => {
  it('keeps a title that is the whole opening', () => {
    expect(titleOf('The lighthouse keeper')).toBe('The lighthouse keeper');
  });

  it('ends a title cut inside a word at the word before, with "…"', () => {
    const opening = `${'word '.repeat(19)}lighthouse keeper`;
    expect(opening.slice(0, 100)).toMatch(/ light$/);
    expect(titleOf(opening)).toBe(`${'word '.repeat(19).trim()}…`);
  });

  it('keeps a whole last word when the cut falls after it', () => {
    const opening = `${'a'.repeat(99)} and more`;
    expect(titleOf(opening)).toBe(`${'a'.repeat(99)}…`);
  });

  it('cuts one long word where it must, with "…"', () => {
    expect(titleOf('x'.repeat(150))).toBe(`${'x'.repeat(100)}…`);
  });

  it('drops a dangling comma or dash before the "…"', () => {
    const opening = `${'b'.repeat(90)}, c – ddddddddddd and more`;
    expect(titleOf(opening)).toBe(`${'b'.repeat(90)}, c…`);
  });
});
