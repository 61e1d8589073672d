import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  BODY_CAPACITY,
  BODY_PROPERTIES,
  bodyFromProperties,
  bodyToProperties,
  chunkKey,
  clearingTheRest,
} from '../../../src/transport/drive/body-properties.ts';

const { maxProperties, maxPropertyBytes } = BODY_PROPERTIES;
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
/** The most bytes the layout carries: every chunk full (10 keys of 3 bytes, 19 of 4). */
const CAPACITY = 10 * (maxPropertyBytes - 3) + 19 * (maxPropertyBytes - 4);

/** Checks Drive's limits on a property set. */
function withinDriveLimits(properties: Record<string, string>): void {
  expect(Object.keys(properties).length).toBeLessThanOrEqual(maxProperties);
  for (const [key, value] of Object.entries(properties))
    expect(bytes(key + value)).toBeLessThanOrEqual(maxPropertyBytes);
}

describe('a body in properties', () => {
  it('round-trips a request-sized body, with a header giving chunks, bytes and sha256', () => {
    const body = `${JSON.stringify({ v: 1, type: 'request', prompt: 'Once upon a time, '.repeat(20) })}\n`;
    const properties = bodyToProperties(body)!;
    withinDriveLimits(properties);
    const chunks = Object.keys(properties).length - 1;
    expect(properties.sl).toBe(`1:${chunks}:${bytes(body)}:${sha(body)}`);
    expect(Array.from({ length: chunks }, (_, i) => properties[chunkKey(i)]).join('')).toBe(body);
    expect(bodyFromProperties(properties)).toBe(body);
    expect(bodyFromProperties(properties, sha(body))).toBe(body);
    expect(bodyFromProperties(properties, sha(body).toUpperCase())).toBe(body);
  });

  it('never splits a character: 2-, 3- and 4-byte ones (a surrogate pair in JS) at every offset', () => {
    for (const char of ['é', '€', '😀']) {
      for (let pad = 0; pad < 4; pad++) {
        const body = 'a'.repeat(pad) + char.repeat(300);
        const properties = bodyToProperties(body)!;
        withinDriveLimits(properties);
        for (const [key, value] of Object.entries(properties))
          if (key !== 'sl') expect(value.replace(/^a*/, '')).toMatch(new RegExp(`^(${char})+$`, 'u'));
        expect(bodyFromProperties(properties)).toBe(body);
      }
    }
  });

  it('fills every chunk to the byte at the limit, and gives up one byte over', () => {
    expect(BODY_CAPACITY).toBe(CAPACITY);
    const full = 'x'.repeat(CAPACITY);
    const properties = bodyToProperties(full)!;
    expect(Object.keys(properties)).toHaveLength(maxProperties);
    for (const [key, value] of Object.entries(properties))
      if (key !== 'sl') expect(bytes(key + value)).toBe(maxPropertyBytes);
    expect(bodyFromProperties(properties)).toBe(full);
    expect(bodyToProperties(`${full}x`)).toBeUndefined();
    // As many bytes, but a character that would straddle two chunks moves whole to the next: one byte too many.
    const straddling = `${'x'.repeat(maxPropertyBytes - 4)}é${'x'.repeat(CAPACITY - maxPropertyBytes + 2)}`;
    expect(bytes(straddling)).toBe(CAPACITY);
    expect(bodyToProperties(straddling)).toBeUndefined();
  });

  it('carries nothing for a long story prompt, or text UTF-8 cannot carry as it is', () => {
    expect(bodyToProperties(JSON.stringify({ prompt: 'word '.repeat(800) }))).toBeUndefined();
    expect(bodyToProperties('lone \ud800 surrogate')).toBeUndefined();
  });

  it('carries the empty body', () => {
    expect(bodyFromProperties(bodyToProperties(''))).toBe('');
  });

  it('reads nothing from a set that does not add up, so the reader downloads the content', () => {
    const body = 'é'.repeat(200);
    const good = bodyToProperties(body)!;
    const spoiled: Record<string, string>[] = [
      { ...good, sl1: good.sl1.slice(1) }, // a chunk cut short
      { ...good, sl1: `${good.sl1.slice(0, -1)}è` }, // same length, other text
      Object.fromEntries(Object.entries(good).filter(([k]) => k !== 'sl2')), // a chunk missing
      { ...good, sl: good.sl.replace(/^1:/, '2:') }, // an unknown layout
      { ...good, sl: good.sl.replace(/:(\d+):/, (_, n) => `:${Number(n) - 1}:`) }, // a count that drops a chunk
      { ...good, sl: 'garbage' },
      { ...good, sl: `1:99:${bytes(body)}:${sha(body)}` },
      { sl0: body }, // no header
    ];
    for (const properties of spoiled) expect(bodyFromProperties(properties)).toBeUndefined();
    expect(bodyFromProperties(undefined)).toBeUndefined();
    expect(bodyFromProperties(null)).toBeUndefined();
    // Properties left from an older content: the file's own checksum tells.
    expect(bodyFromProperties(good, sha('newer content'))).toBeUndefined();
  });

  it('on update, deletes every layout key the new body does not use', () => {
    const properties = clearingTheRest(bodyToProperties('short'));
    expect(Object.keys(properties)).toHaveLength(maxProperties);
    expect(properties).toMatchObject({ sl0: 'short', sl1: null, [chunkKey(maxProperties - 2)]: null });
    expect(Object.values(clearingTheRest(undefined)).every((v) => v === null)).toBe(true);
  });
});
