import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { OnceEach, jobMadeAt } from '../../src/chat/earlier-run.ts';
import { splitText } from '../../src/chat/split.ts';
import { EditThrottle } from '../../src/chat/throttle.ts';

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

describe('EditThrottle', () => {
  it('sends at most once per interval, the latest value winning', async () => {
    const sent: [string, number, number][] = [];
    const started = Date.now();
    const throttle = new EditThrottle<number>(async (key, v) => void sent.push([key, v, Date.now() - started]), 200);
    for (let i = 1; i <= 10; i++) {
      throttle.update('m', i);
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(sent[0][1]).toBe(1);
    expect(sent.at(-1)![1]).toBe(10);
    for (let i = 1; i < sent.length; i++) expect(sent[i][2] - sent[i - 1][2]).toBeGreaterThanOrEqual(190);
    expect(sent.length).toBeLessThanOrEqual(4);
  });

  it('counts the interval from the end of a slow send, so queued edits never go out in a burst', async () => {
    const calls: { v: number; start: number; end: number }[] = [];
    const started = Date.now();
    // The first send waits 700 ms (like an edit waiting for its message to be posted).
    const throttle = new EditThrottle<number>(async (_k, v) => {
      const call = { v, start: Date.now() - started, end: 0 };
      calls.push(call);
      if (v === 0) await new Promise((r) => setTimeout(r, 700));
      call.end = Date.now() - started;
    }, 200);
    for (let i = 0; i <= 12; i++) {
      throttle.update('m', i);
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 500));
    expect(calls[0].v).toBe(0);
    expect(calls.at(-1)!.v).toBe(12);
    for (let i = 1; i < calls.length; i++) expect(calls[i].start - calls[i - 1].end).toBeGreaterThanOrEqual(190);
    expect(calls.length).toBeLessThanOrEqual(4);
  });

  it('settle does not wait out the interval', async () => {
    const sent: number[] = [];
    const throttle = new EditThrottle<number>(async (_k, v) => void sent.push(v), 5000);
    throttle.update('m', 1);
    await new Promise((r) => setTimeout(r, 20));
    throttle.update('m', 2);
    const t0 = Date.now();
    await throttle.settle('m');
    expect(Date.now() - t0).toBeLessThan(500);
    expect(sent).toEqual([1]);
  });

  it('settle drops what is queued', async () => {
    const sent: number[] = [];
    const throttle = new EditThrottle<number>(async (_k, v) => void sent.push(v), 1000);
    throttle.update('m', 1);
    await new Promise((r) => setTimeout(r, 20));
    throttle.update('m', 2);
    await throttle.settle('m');
    await new Promise((r) => setTimeout(r, 50));
    expect(sent).toEqual([1]);
  });
});

describe('OnceEach (looking up what an earlier run left)', () => {
  it('runs a look-up once per key, and lets a caller go on after the wait while the look-up finishes', async () => {
    const late: string[] = [];
    const once = new OnceEach<void>(30, (key) => late.push(key));
    let runs = 0;
    let finish = () => undefined as void;
    const slow = () => {
      runs++;
      return new Promise<void>((resolve) => (finish = resolve));
    };
    const t0 = Date.now();
    await once.wait('story1', slow);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(25);
    expect(late).toEqual(['story1']);
    const again = once.wait('story1', slow);
    finish();
    await again;
    expect(runs).toBe(1);
    expect([once.has('story1'), once.has('story2')]).toEqual([true, false]);
  });

  it('hands the result to the caller that started the look-up only (it was read during that call)', async () => {
    const once = new OnceEach<string>(1000, () => undefined);
    const first = once.wait('job1', async () => 'read now');
    const second = once.wait('job1', async () => 'never run');
    expect([await first, await second, await once.wait('job1', async () => 'never run')]).toEqual(['read now', undefined, undefined]);
  });

  it('tells when a job was made, from its ULID', () => {
    expect(jobMadeAt(ulid(1_700_000_000_000))).toBe(1_700_000_000_000);
    expect(jobMadeAt('job1')).toBe(Number.POSITIVE_INFINITY);
  });
});
