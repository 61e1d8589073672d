/** Edits to one message, at most one per interval: coalesced (EditThrottle) or awaited (EditSpacing). */
import { describe, expect, it } from 'vitest';
import { EditSpacing, EditThrottle } from '../../src/chat/throttle.ts';

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

describe('EditSpacing', () => {
  it('lets a message be edited again an interval after its last post or edit; forgets a final one', async () => {
    let now = 1_000;
    const spacing = new EditSpacing(200, () => now);
    const waited = async (key: string) => {
      const started = Date.now();
      await spacing.turn(key);
      return Date.now() - started;
    };
    // Never posted or edited here: at once.
    expect(await waited('m')).toBeLessThan(50);
    spacing.mark('m');
    now += 50;
    // 150 ms of the interval are left.
    expect(await waited('m')).toBeGreaterThanOrEqual(140);
    now += 300;
    expect(await waited('m')).toBeLessThan(50);
    // Other messages keep their own pace; a final edit is forgotten.
    spacing.mark('n', true);
    expect(await waited('n')).toBeLessThan(50);
  });
});
