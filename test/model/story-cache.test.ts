/** The story state cache: the same text as priming from scratch, for a fraction of the priming. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/model/engine.ts';
import { loadModel } from '../../src/model/models.ts';
import { StoryCache } from '../../src/model/story-cache.ts';
import { SMALL_MODEL } from '../helpers/models.ts';

describe('story state cache', () => {
  let cached: Engine;
  let fresh: Engine;
  beforeAll(async () => {
    [cached, fresh] = await Promise.all([loadModel(SMALL_MODEL), loadModel(SMALL_MODEL)]);
  });

  it('continuing a story gives exactly what priming from scratch gives', async () => {
    let story = 'The lighthouse keeper climbed the stairs. ';
    for (let turn = 0; turn < 4; turn++) {
      const options = { temperature: 0.8, seed: 40 + turn, maxChars: 80 };
      const [withCache] = await cached.generate([{ prompt: story, options, cacheKey: 'story-1' }]);
      const [without] = await fresh.generate([{ prompt: story, options }]);
      expect(withCache).toEqual(without);
      story += `${withCache.text.trim()} ${turn === 1 ? 'A person adds a line. ' : ''}`;
    }
    expect(cached.cache.hits).toBe(3);
  });

  it('a story whose text changed before the cached part misses, and still gives the right text', async () => {
    const options = { temperature: 0, maxChars: 60, stop: 'none' as const };
    await cached.generate([{ prompt: 'Version one of the story. ', options, cacheKey: 'story-2' }]);
    const misses = cached.cache.misses;
    const [after] = await cached.generate([{ prompt: 'Version two, edited. ', options, cacheKey: 'story-2' }]);
    const [reference] = await fresh.generate([{ prompt: 'Version two, edited. ', options }]);
    expect(cached.cache.misses).toBe(misses + 1);
    expect(after).toEqual(reference);
  });

  it('is bounded, least recently used first', () => {
    const cache = new StoryCache(2);
    const state = { h: new Float32Array(2), c: new Float32Array(2), style: 0 };
    cache.store('a', [1], state, new Float32Array(1));
    cache.store('b', [1], state, new Float32Array(1));
    expect(cache.lookup('a', [1, 2])).toBeDefined();
    cache.store('c', [1], state, new Float32Array(1));
    expect(cache.size).toBe(2);
    expect(cache.lookup('b', [1])).toBeUndefined();
    expect(cache.lookup('a', [1])).toBeDefined();
  });
});
