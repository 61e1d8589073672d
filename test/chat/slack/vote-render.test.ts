/**
 * A vote's message as Block Kit: its title as a header, a section per candidate with its votes and voters, the
 * footer in Slack's words with the closing time as a date token, one actions block of vote buttons; the closed
 * vote's winner marked and no buttons; and Slack's limits kept with the longest candidates and most voters.
 */
import { describe, expect, it } from 'vitest';
import { closingTime, SECTION_LIMIT, VOTE_EVENT, voteMessage } from '../../../src/chat/slack/render.ts';
import { voteButtonId } from '../../../src/core/buttons.ts';
import type { Button, VoteView } from '../../../src/core/types.ts';
import { BLOCK_LIMITS, validateBlocks } from '../../fakes/slack/index.ts';

const STORY = '01J0000000000000000000000S';
const VOTE = '01J0000000000000000000000V';
const closesAt = '2024-05-01T12:34:56.000Z';

const buttonsFor = (n: number, label = (i: number) => `Vote ${i} · 0`): Button[] =>
  Array.from({ length: n }, (_, i) => ({
    action: 'vote',
    label: label(i + 1),
    customId: voteButtonId(STORY, VOTE, i + 1),
    style: 'primary',
  }));

const openView: VoteView = {
  open: true,
  title: '🗳️ Vote on the next line (3 candidates, asked for by ann)',
  candidates: [
    { n: 1, text: 'The gulls rose <!channel> & fled.', votes: 0, voters: [], won: false },
    { n: 2, text: 'Nobody answered.', votes: 2, voters: ['ann', 'bo'], won: false },
    { n: 3, text: 'The lamp went out.', votes: 1, voters: ['<@U1> cy'], won: false },
  ],
  footer: '2 of 3 people taking part have voted. ann (who started the story) or an admin can /pick one now.',
  closesAt,
};

type Block = Record<string, unknown>;
const texts = (blocks: Block[]) =>
  blocks.flatMap((b) => {
    const own = b.text ? [(b.text as { text: string }).text] : [];
    const elements = ((b.elements ?? []) as { text?: unknown }[]).flatMap((e) =>
      typeof e.text === 'string' ? [e.text] : e.text ? [(e.text as { text: string }).text] : [],
    );
    return [...own, ...elements];
  });

describe('a vote’s message on Slack', () => {
  it('shows an open vote: the candidates with their votes, the footer in Slack’s words, and a button each', () => {
    const message = voteMessage(openView, buttonsFor(3), VOTE, STORY);
    expect(message.text).toBe('🗳️ Vote on the next line (3 candidates, asked for by ann)');
    expect(message.metadata).toEqual({ event_type: VOTE_EVENT, event_payload: { vote_id: VOTE, story_id: STORY } });
    const blocks = message.blocks!;
    expect(blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: openView.title, emoji: true } });
    const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', verbatim: true, text } });
    expect(blocks.slice(1, 4)).toEqual([
      section('*1.* The gulls rose &lt;!channel&gt; &amp; fled.\n— 0 votes'),
      section('*2.* Nobody answered.\n— 2 votes (ann, bo)'),
      section('*3.* The lamp went out.\n— 1 vote (&lt;@U1&gt; cy)'),
    ]);
    const unix = Date.parse(closesAt) / 1000;
    expect(blocks[4]).toEqual({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          verbatim: true,
          text:
            '2 of 3 people taking part have voted. ann (who started the story) or an admin can @storyloom pick one ' +
            `now. · Closes at <!date^${unix}^{time_secs}|12:34:56 UTC>.`,
        },
      ],
    });
    expect(closingTime(closesAt)).toBe(`<!date^${unix}^{time_secs}|12:34:56 UTC>`);
    expect(blocks[5]).toEqual({
      type: 'actions',
      elements: buttonsFor(3).map((b) => ({
        type: 'button',
        action_id: b.customId,
        value: b.customId,
        text: { type: 'plain_text', text: b.label, emoji: true },
        style: 'primary',
      })),
    });
    expect(blocks).toHaveLength(6);
    // The only markup Slack parses is the date token: nothing anyone wrote becomes a mention.
    expect(JSON.stringify(blocks).match(/<[!@#][^>]*>/g)).toEqual([`<!date^${unix}^{time_secs}|12:34:56 UTC>`]);
    expect(validateBlocks(blocks)).toEqual({ valid: true, errors: [] });
  });

  it('shows a closed vote: the winner marked, how it closed, no countdown and no buttons', () => {
    const closed: VoteView = {
      ...openView,
      open: false,
      title: '🗳️ Candidate 2 won, with 2 votes',
      candidates: openView.candidates.map((c) => ({ ...c, won: c.n === 2 })),
      footer:
        'Everyone taking part voted. It is the story’s next line; the others are kept as branches (see /branches).',
    };
    const message = voteMessage(closed, [], VOTE, STORY);
    expect(message.text).toBe('🗳️ Candidate 2 won, with 2 votes');
    const blocks = message.blocks!;
    expect(blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'section', 'context']);
    expect(texts(blocks)[2]).toBe('🏆 *2.* Nobody answered.\n— 2 votes (ann, bo)');
    expect(texts(blocks)[1]).toMatch(/^\*1\.\* /);
    expect(texts(blocks).at(-1)).toBe(
      'Everyone taking part voted. It is the story’s next line; the others are kept as branches ' +
        '(see @storyloom branches).',
    );
  });

  it('keeps to Block Kit’s limits: 5 candidates of 1,000 characters that escaping lengthens, 60 voters', () => {
    const long = `${'&<>'.repeat(333)}!`;
    const voters = Array.from({ length: 60 }, (_, i) => `<!here> voter ${i} ${'x'.repeat(80)}`);
    const view: VoteView = {
      ...openView,
      title: `🗳️ Vote on the next line (5 candidates, asked for by ${'a'.repeat(200)})`,
      candidates: Array.from({ length: 5 }, (_, i) => ({ n: i + 1, text: long, votes: 60, voters, won: false })),
    };
    const message = voteMessage(
      view,
      buttonsFor(5, (i) => `Vote ${i} · ${'9'.repeat(100)}`),
      VOTE,
      STORY,
    );
    const blocks = message.blocks!;
    expect(validateBlocks(blocks)).toEqual({ valid: true, errors: [] });
    expect(blocks.length).toBeLessThanOrEqual(BLOCK_LIMITS.blocksPerMessage);
    for (const text of texts(blocks)) expect(text.length).toBeLessThanOrEqual(SECTION_LIMIT);
    const header = blocks[0].text as { text: string };
    expect(header.text.length).toBeLessThanOrEqual(BLOCK_LIMITS.headerText);
    const actions = blocks.filter((b) => b.type === 'actions');
    expect(actions).toHaveLength(1);
    const elements = actions[0].elements as { action_id: string; text: { text: string } }[];
    expect(elements).toHaveLength(5);
    for (const e of elements) {
      expect(e.text.text.length).toBeLessThanOrEqual(BLOCK_LIMITS.buttonText);
      expect(e.action_id.length).toBeLessThanOrEqual(BLOCK_LIMITS.actionId);
    }
    // Every candidate's text is there whole, split over sections, and its voters are named up to 10.
    const shown = texts(blocks).join('');
    expect(shown.split('&amp;&lt;&gt;').length - 1).toBe(5 * 333);
    expect(shown).toContain('and 50 more');
    expect(shown).not.toContain('<!here>');
    expect(message.text.length).toBeLessThanOrEqual(300);
  });
});
