/**
 * The contract every Transport must pass. A factory makes two transports on the
 * same mailbox (think: the bot and a worker); the suite checks reads, writes,
 * atomicity, names, listing and news between the two.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FOLDERS, type Change, type Transport } from '../../src/transport/transport.ts';

/** Two transports on one fresh mailbox, and how to throw it away. */
export interface ContractFixture {
  a: Transport;
  b: Transport;
  /** A third transport on the same mailbox, opened later (a restart). */
  another(): Promise<Transport>;
  cleanup(): Promise<void>;
}

/** How long news may take to arrive, for this transport. */
export interface ContractTiming {
  newsMs: number;
}

function collect(t: Transport): Change[] & { stop(): void } {
  const seen = [] as unknown as Change[] & { stop(): void };
  seen.stop = t.subscribe((c) => seen.push(c));
  return seen;
}

async function eventually(check: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Registers the contract tests for one transport. */
export function describeTransportContract(
  name: string,
  make: () => Promise<ContractFixture>,
  timing: ContractTiming,
): void {
  describe(`Transport contract: ${name}`, () => {
    let f: ContractFixture;
    beforeEach(async () => {
      f = await make();
    });
    afterEach(async () => {
      await f.cleanup();
    });

    it('writes and reads back, unicode and large content included', async () => {
      const content = JSON.stringify({ v: 1, text: `Zoë said “hi” \u{1F408} ${'x'.repeat(300_000)}` });
      await f.a.put('requests', 'job-1.json', content);
      expect(await f.b.get('requests', 'job-1.json')).toBe(content);
    });

    it('returns null for a missing file, and deleting a missing file is fine', async () => {
      expect(await f.a.get('responses', 'nope.json')).toBeNull();
      await expect(f.a.delete('responses', 'nope.json')).resolves.toBeUndefined();
    });

    it('overwrites in place and deletes', async () => {
      await f.a.put('workers', 'w1.json', '{"n":1}');
      await f.a.put('workers', 'w1.json', '{"n":2}');
      expect(await f.b.get('workers', 'w1.json')).toBe('{"n":2}');
      expect(await f.b.list('workers')).toEqual(['w1.json']);
      await f.b.delete('workers', 'w1.json');
      expect(await f.a.get('workers', 'w1.json')).toBeNull();
      expect(await f.a.list('workers')).toEqual([]);
      // Both sides may remove what either wrote: nothing piles up.
      expect(f.a.cleanupProblems()).toBeNull();
      expect(f.b.cleanupProblems()).toBeNull();
    });

    it('lists each folder separately, sorted', async () => {
      await Promise.all(['c.json', 'a.json', 'b.json'].map((n) => f.a.put('stories', n, '{}')));
      await f.a.put('control', 'x.json', '{}');
      expect(await f.b.list('stories')).toEqual(['a.json', 'b.json', 'c.json']);
      expect(await f.b.list('control')).toEqual(['x.json']);
      for (const folder of FOLDERS.filter((x) => x !== 'stories' && x !== 'control'))
        expect(await f.b.list(folder)).toEqual([]);
    });

    it('refuses names that could escape their folder or hide', async () => {
      for (const bad of ['../x.json', 'a/b.json', '.hidden.json', '', 'x'.repeat(300), 'a..b']) {
        await expect(f.a.put('requests', bad, '{}')).rejects.toThrow(RangeError);
        await expect(f.a.get('requests', bad)).rejects.toThrow(RangeError);
      }
    });

    it('a reader never sees half a file', async () => {
      const big = (n: number) => JSON.stringify({ n, pad: String(n % 10).repeat(200_000) });
      await f.a.put('stories', 's.json', big(0));
      let reads = 0;
      const writer = (async () => {
        for (let n = 1; n <= 15; n++) await f.a.put('stories', 's.json', big(n));
      })();
      let done = false;
      void writer.then(() => (done = true));
      while (!done) {
        const text = await f.b.get('stories', 's.json');
        expect(() => JSON.parse(text!)).not.toThrow();
        reads++;
      }
      await writer;
      expect(reads).toBeGreaterThan(0);
    });

    it('brings news of creations, changes and removals from the other side', async () => {
      const seen = collect(f.b);
      await f.a.put('requests', 'job-2.json', '{"a":1}');
      await eventually(
        () => seen.some((c) => c.folder === 'requests' && c.name === 'job-2.json' && !c.removed),
        timing.newsMs,
      );
      const before = seen.length;
      await f.a.put('requests', 'job-2.json', '{"a":2}');
      await eventually(() => seen.slice(before).some((c) => c.name === 'job-2.json' && !c.removed), timing.newsMs);
      await f.a.delete('requests', 'job-2.json');
      await eventually(() => seen.some((c) => c.name === 'job-2.json' && c.removed), timing.newsMs);
      seen.stop();
    });

    it('brings news of many files written at once', async () => {
      const seen = collect(f.b);
      const names = Array.from({ length: 25 }, (_, i) => `many-${i}.json`);
      await Promise.all(names.map((n) => f.a.put('responses', n, '{}')));
      await eventually(() => names.every((n) => seen.some((c) => c.name === n && !c.removed)), timing.newsMs * 2);
      seen.stop();
    });

    it('a transport opened later sees what is already there, then news', async () => {
      await f.a.put('requests', 'old.json', '{"old":true}');
      const late = await f.another();
      expect(await late.list('requests')).toContain('old.json');
      const seen = collect(late);
      await f.a.put('responses', 'new.json', '{}');
      await eventually(() => seen.some((c) => c.name === 'new.json'), timing.newsMs);
      seen.stop();
    });
  });
}
