import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/stories/errors.ts';
import { findCommand } from '../../commands/index.ts';
import { parseCommandLine, parseOptions } from '../../src/core/text-command.ts';

describe('typed commands', () => {
  it.each([
    ['/story The lighthouse keeper', { name: 'story', args: { opening: 'The lighthouse keeper' } }],
    [
      '/story The keeper --temperature 0.9 --length 120',
      {
        name: 'story',
        args: { opening: 'The keeper', temperature: '0.9', length: '120' },
      },
    ],
    ['/story --length 50 Once  upon\na time', { name: 'story', args: { length: '50', opening: 'Once  upon\na time' } }],
    ['/add Then the light went out.', { name: 'add', args: { text: 'Then the light went out.' } }],
    ['  /Continue  ', { name: 'continue', args: {} }],
    ['/admin pause', { name: 'admin', args: { action: 'pause' } }],
    ['/admin Pause colab-a100', { name: 'admin', args: { action: 'pause', worker: 'colab-a100' } }],
    ['/admin drain --worker all', { name: 'admin', args: { action: 'drain', worker: 'all' } }],
    ['/admin --worker all resume', { name: 'admin', args: { action: 'resume', worker: 'all' } }],
    ['/admin --action reload kaggle-t4', { name: 'admin', args: { action: 'reload', worker: 'kaggle-t4' } }],
    ['/story The keeper --length=120', { name: 'story', args: { opening: 'The keeper', length: '120' } }],
  ])('%j', (line, expected) => {
    expect(parseCommandLine(line)).toEqual(expected);
  });

  it.each([
    ['hello', /start with a slash/],
    ['/dance', /There is no \/dance/],
    ['/story opening --speed 3', /no option --speed/],
    ['/story opening --temperature', /needs a value/],
    ['/story opening --temperature --length 40', /--temperature needs a value, e\.g\. \/story Once upon a time/],
    ['/branches with words', /takes no text/],
    ['/admin pause --worker', /--worker needs a value, e\.g\. \/admin pause --worker all/],
    ['/admin pause --force', /\/admin has no option --force\. Its options: --action\. .*its action, then its worker\./],
  ])('%j is refused clearly', (line, message) => {
    expect(() => parseCommandLine(line)).toThrow(UserError);
    expect(() => parseCommandLine(line)).toThrow(message);
  });

  it('an unknown option lists the -- options there are; the opening is the rest of the line, not one of them', () => {
    expect(() => parseCommandLine('/story The keeper --seed 3')).toThrow(
      '/story has no option --seed. Its options: --temperature, --length, --candidates, --style. ' +
        'The rest of the line is its opening.',
    );
    expect(() => parseCommandLine('/add Hi --bold')).toThrow(
      '/add has no option --bold. The rest of the line is its text.',
    );
    expect(() => parseCommandLine('/continue --now')).toThrow(
      '/continue has no option --now. The rest of the line is its candidates.',
    );
    expect(() => parseCommandLine('/branches --now')).toThrow('/branches has no option --now. It takes no options.');
  });

  it('serves Slack too: there, an unknown --word stays in the free text', () => {
    const story = findCommand('story')!;
    expect(parseOptions(story, 'The keeper --bogus 3 --length 90', { unknownFlags: 'keep' })).toEqual({
      opening: 'The keeper --bogus 3',
      length: '90',
    });
    expect(() => parseOptions(story, 'The keeper --bogus 3')).toThrow('/story has no option --bogus.');
  });
});
