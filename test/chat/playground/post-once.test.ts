/** The playground posts a line once: a repeat delivery of the same line id sends nothing to the pages. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lineDelivery, withModelLine } from '../../helpers/model-line.ts';
import { type LineEventData, openEvents, startTestPlayground, type TestPlayground } from '../../helpers/playground.ts';
import { until } from '../../helpers/worker-process.ts';

describe('playground: a line is posted once', () => {
  let pg: TestPlayground;
  beforeAll(async () => {
    pg = await startTestPlayground();
  });
  afterAll(() => pg?.stop());

  it('sends a line to the pages once, however often it is delivered', async () => {
    const feed = await openEvents(pg.url);
    const { story, line } = withModelLine(
      { platform: 'playground', channel: 'playground', thread: null },
      'The ferry reached the island at noon.',
    );
    await pg.playground.deliverLine(lineDelivery(story, line));
    await pg.playground.deliverLine(lineDelivery(story, line, true));
    await pg.playground.deliverLine(lineDelivery(story, line));
    const next = withModelLine(story, 'A gull followed the boat.');
    await pg.playground.deliverLine(lineDelivery(next.story, next.line, true));
    const lines = () => feed.events.filter((e) => e.event === 'line');
    await until(() => lines().length === 2, 5000, 'two line events');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(lines().map((e) => (e.data as LineEventData).line.text)).toEqual([
      'The ferry reached the island at noon.',
      'A gull followed the boat.',
    ]);
    feed.close();
  });
});
