/**
 * Discord: a story line is posted once, even when core delivers it again. Each
 * piece goes out with a nonce made from the line and `enforce_nonce` (a repeat
 * within Discord's window makes nothing); past the window, a delivery that may
 * be a repeat first looks through the thread's newest messages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HISTORY_LIMIT, lineNonce } from '../../../src/chat/discord/bot-posts.ts';
import type { ReplyTo } from '../../../src/jobs/protocol.ts';
import type { Line } from '../../../src/stories/schema.ts';
import { lineDelivery, withModelLine } from '../../helpers/model-line.ts';
import { customIds, startDiscordWorld, type DiscordWorld } from './world.ts';

const WINDOW_MS = 300;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Discord: a line is posted once', () => {
  let w: DiscordWorld;
  let place: ReplyTo;
  beforeAll(async () => {
    w = await startDiscordWorld({ worker: false, fake: { nonceWindowMs: WINDOW_MS } });
    place = { platform: 'discord', channel: w.channelId, thread: null };
  });
  afterAll(() => w?.close());

  const postsOf = (line: Line) =>
    w.fake.channelMessages(w.channelId).filter((m) => m.content.startsWith(line.text.slice(0, 40)));
  const posts = () => w.fake.requests({ method: 'POST', route: '/channels/:channelId/messages' });
  const reads = () => w.fake.requests({ method: 'GET', route: '/channels/:channelId/messages' });

  it(
    'sends a line with its nonce, enforced: a repeat within ' + 'the window makes no second message, and reads nothing',
    async () => {
      const { story, line } = withModelLine(place, 'The ferry reached the island at noon.');
      w.fake.clearRequests();
      await w.adapter.deliverLine(lineDelivery(story, line));
      await w.adapter.deliverLine(lineDelivery(story, line));
      expect(postsOf(line)).toHaveLength(1);
      expect(posts().map((r) => r.body)).toMatchObject([
        { nonce: lineNonce(line.id, 0), enforce_nonce: true },
        { nonce: lineNonce(line.id, 0), enforce_nonce: true },
      ]);
      expect(lineNonce(line.id, 0)).toHaveLength(25);
      expect(reads()).toEqual([]);
      expect(customIds(postsOf(line)[0]!).every((id) => id.endsWith(`:${line.id}`))).toBe(true);
    },
  );

  it('past the window, a delivery that may be a repeat finds the line in the thread and posts nothing', async () => {
    const { story, line } = withModelLine(place, 'A gull followed the boat all the way.');
    await w.adapter.deliverLine(lineDelivery(story, line));
    await sleep(WINDOW_MS + 100);
    w.fake.clearRequests();
    await w.adapter.deliverLine(lineDelivery(story, line, true));
    expect(postsOf(line)).toHaveLength(1);
    expect(posts()).toEqual([]);
    expect(reads().map((r) => r.query)).toEqual([{ limit: String(HISTORY_LIMIT) }]);
    // Without the look, the nonce alone no longer helps once its window has passed.
    await w.adapter.deliverLine(lineDelivery(story, line));
    expect(postsOf(line)).toHaveLength(2);
  });

  it('tells a line apart from an earlier one with the same words: the buttons name the line', async () => {
    const text = 'The bell rang twice and then stopped.';
    const first = withModelLine(place, text);
    await w.adapter.deliverLine(lineDelivery(first.story, first.line));
    const second = withModelLine(first.story, text);
    await sleep(WINDOW_MS + 100);
    await w.adapter.deliverLine(lineDelivery(second.story, second.line, true));
    const both = postsOf(first.line);
    expect(both).toHaveLength(2);
    expect(both.map((m) => customIds(m)[0]!.split(':').at(-1))).toEqual([first.line.id, second.line.id]);
  });

  it('a long line: each piece has its own nonce, and a late repeat posts none of them', async () => {
    const text = `${'The storm went on and on through the long night. '.repeat(60)}At dawn it stopped.`;
    const { story, line } = withModelLine(place, text);
    w.fake.clearRequests();
    await w.adapter.deliverLine(lineDelivery(story, line));
    const nonces = posts().map((r) => (r.body as { nonce: string }).nonce);
    expect(nonces).toEqual([lineNonce(line.id, 0), lineNonce(line.id, 1)]);
    await sleep(WINDOW_MS + 100);
    await w.adapter.deliverLine(lineDelivery(story, line, true));
    expect(posts()).toHaveLength(2);
    expect(w.fake.channelMessages(w.channelId).filter((m) => m.content.includes('The storm went on'))).toHaveLength(2);
  });
});
