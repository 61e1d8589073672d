import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.ts';
import { parseCommandLine } from '../../src/core/text-command.ts';

describe('typed commands', () => {
  it.each([
    ['/story The lighthouse keeper', { name: 'story', args: { seed: 'The lighthouse keeper' } }],
    ['/story The keeper --temperature 0.9 --length 120', { name: 'story', args: { seed: 'The keeper', temperature: '0.9', length: '120' } }],
    ['/story --length 50 Once  upon\na time', { name: 'story', args: { length: '50', seed: 'Once  upon\na time' } }],
    ['/add Then the light went out.', { name: 'add', args: { text: 'Then the light went out.' } }],
    ['  /Continue  ', { name: 'continue', args: {} }],
    ['/admin pause', { name: 'admin', args: { action: 'pause' } }],
  ])('%j', (line, expected) => {
    expect(parseCommandLine(line)).toEqual(expected);
  });

  it.each([
    ['hello', /start with a slash/],
    ['/dance', /There is no \/dance/],
    ['/story seed --speed 3', /no option --speed/],
    ['/story seed --temperature', /needs a value/],
    ['/continue with words', /takes no text/],
  ])('%j is refused clearly', (line, message) => {
    expect(() => parseCommandLine(line)).toThrow(UserError);
    expect(() => parseCommandLine(line)).toThrow(message);
  });
});
