/** The bot's poll holds (reply-timing.ts, poll-pace.ts), on a made-up clock: no Drive, no timers. */
import { describe, expect, it } from 'vitest';
import { PollPace } from '../../../src/transport/drive/poll-pace.ts';
import { DelaySamples, ReplyTiming } from '../../../src/transport/drive/reply-timing.ts';

/** Sends job `name` at `at` (its create lands on the server at `at`) and hears its response `replyMs` later. */
function roundTrip(timing: ReplyTiming, name: string, at: number, replyMs: number): void {
  timing.writing('requests', name, at - 150);
  timing.wrote('requests', name, at, at);
  timing.heard('responses', name, false, at + replyMs, at + replyMs + 100);
  timing.deleted('requests', name);
}

describe('ReplyTiming', () => {
  it('estimates the median of recent samples, and nothing from too few', () => {
    const samples = new DelaySamples();
    samples.add(500);
    samples.add(400);
    expect(samples.estimate()).toBeUndefined();
    for (const ms of [900, 600, 700, 800, 1000, -50]) samples.add(ms);
    expect(samples.estimate()).toBe(600); // of 0, 400, 500, 600, 700, 800, 900, 1000 (the lower median)
  });

  it('holds the first poll after a request until about when replies land, capped', () => {
    const timing = new ReplyTiming();
    timing.writing('requests', 'a.json', 0);
    expect(timing.holdUntil(1000)).toBeUndefined(); // nothing learned yet: poll at the usual pace
    timing.deleted('requests', 'a.json');
    for (let i = 0; i < 5; i++) roundTrip(timing, `j${i}.json`, i * 10_000, 600);
    timing.polled(200);
    timing.writing('requests', 'next.json', 100_000);
    // While the create is under way, the hold counts from its start...
    expect(timing.holdUntil(1000)).toBe(100_000 + 600 - 100);
    timing.wrote('requests', 'next.json', 100_150, 100_150);
    // ...then from its end, half a poll early; never more than the cap after it.
    expect(timing.holdUntil(1000)).toBe(100_150 + 600 - 100);
    expect(timing.holdUntil(300)).toBe(100_150 + 300);
  });

  it('polls at the usual pace while any reply is due, and holds while answered jobs are delivered', () => {
    const timing = new ReplyTiming();
    for (let i = 0; i < 5; i++) roundTrip(timing, `j${i}.json`, i * 10_000, 600);
    timing.wrote('requests', 'old.json', 50_000, 50_000);
    timing.wrote('requests', 'new.json', 60_000, 60_000);
    expect(timing.holdUntil(1000)).toBe(50_000 + 600); // the older one is due first
    timing.heard('responses', 'old.json', false, 50_700, 60_100);
    timing.heard('responses', 'new.json', false, 60_700, 60_800);
    expect(timing.holdUntil(1000)).toBe(60_800 + 2000); // both answered: nothing due until the next is sent
    timing.deleted('requests', 'old.json');
    timing.heard('requests', 'new.json', true, 0, 61_000); // cleaned up (by this side or another)
    expect(timing.holdUntil(1000)).toBeUndefined();
  });

  it('waits for a line that takes seconds to write, instead of polling for it', () => {
    const pace = new PollPace({ fastMs: 250, slowMs: 6000 });
    for (let i = 0; i < 5; i++) roundTrip(pace.timing, `j${i}.json`, i * 10_000, 3400);
    pace.timing.polled(150);
    pace.setUrgent(true);
    pace.timing.wrote('requests', 'next.json', 100_000, 100_000);
    // Lines take 3.4 s: the first poll comes half a poll before the reply is due, not every 250 ms from the start.
    expect(pace.nextPollAt(100_000)).toBe(100_000 + 3400 - 75);
    // Once that poll has gone, the next ones come at the fast pace until the reply is heard.
    pace.timing.polled(150);
    expect(pace.nextPollAt(103_325)).toBe(103_325 + 250);
  });

  it('never holds a poll past the slow interval, nor while polls fail', () => {
    const pace = new PollPace({ fastMs: 250, slowMs: 5000 });
    for (let i = 0; i < 5; i++) roundTrip(pace.timing, `j${i}.json`, i * 10_000, 20_000);
    pace.setUrgent(true);
    pace.timing.wrote('requests', 'slow.json', 100_000, 100_000);
    expect(pace.nextPollAt(100_000)).toBe(100_000 + 5000); // a GPU taking 20 s: still a poll every slow interval
    pace.failed();
    expect(pace.nextPollAt(100_000)).toBe(100_000 + 500);
  });

  it(
    'keeps a worker that takes jobs at its own idle pace, ' + 'and one writing a batch at it too, then polls at once',
    () => {
      const pace = new PollPace({ fastMs: 250, slowMs: 6000 });
      for (let i = 0; i < 8; i++) pace.polled(false);
      expect(pace.delayMs()).toBe(6000); // idle: the slow interval
      expect(pace.setIdleMs(1500)).toBe(true);
      expect(pace.delayMs()).toBe(1500); // a worker taking jobs looks more often
      pace.activity();
      expect(pace.delayMs()).toBe(250); // after a request: quickly, for the next one
      pace.setBusy(true);
      expect(pace.delayMs()).toBe(1500); // writing a batch: news waits, at the idle pace
      expect(pace.setBusy(false)).toBe(true);
      expect(pace.nextPollAt(100_000)).toBe(100_000); // done: what came meanwhile is looked for at once
      pace.polled(false);
      expect(pace.delayMs()).toBe(500);
      pace.setIdleMs(undefined);
      for (let i = 0; i < 8; i++) pace.polled(false);
      expect(pace.delayMs()).toBe(6000); // standing by: the slow interval again
    },
  );

  it('after a quiet spell, holds only until the shortest recent reply: the worker may look at any moment', () => {
    const timing = new ReplyTiming();
    const delays = [400, 900, 1300, 600, 1100];
    for (const [i, ms] of delays.entries()) roundTrip(timing, `j${i}.json`, 100_000 + i * 5000, ms);
    timing.polled(200);
    // Five seconds after the last, a lone job: the 0.75 quantile (1100); with another awaited too, the median (900).
    timing.writing('requests', 'busy.json', 125_000);
    expect(timing.holdUntil(60_000)).toBe(125_000 + 1100 - 100);
    timing.writing('requests', 'busy-too.json', 125_000);
    expect(timing.holdUntil(60_000)).toBe(125_000 + 900 - 100);
    timing.deleted('requests', 'busy.json');
    timing.deleted('requests', 'busy-too.json');
    // A minute later: the shortest (400).
    timing.writing('requests', 'quiet.json', 185_000);
    expect(timing.holdUntil(60_000)).toBe(185_000 + 400 - 100);
    timing.wrote('requests', 'quiet.json', 185_150, 185_150);
    expect(timing.holdUntil(60_000)).toBe(185_150 + 400 - 100);
  });
});
