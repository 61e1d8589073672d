/**
 * The command-line programs' one convention (src/cli/run.ts): `--help` prints the usage, exit 0; a mistake in
 * what was asked prints `storyloom <program>: <message>`, exit 2 (with the usage after a bad option); any other
 * failure exit 1, with the stack only for a bug; and importing a program runs nothing.
 */
import { execFile } from 'node:child_process';
import { parseArgs, promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { failure, isEntry, run, UsageError, type Program } from '../../src/cli/run.ts';
import { UserError } from '../../src/stories/errors.ts';
import { testLog } from '../helpers/log.ts';
import { ROOT } from '../helpers/python.ts';

const USAGE = 'usage: npm run example -- [--level N]';

/** A program that parses `--level` and fails the way it is told to. */
function program(fail?: () => never): Program {
  return {
    name: 'example',
    usage: USAGE,
    main: (argv) => {
      parseArgs({ args: argv, options: { level: { type: 'string' } } });
      fail?.();
      console.log('done');
      return 0;
    },
  };
}

describe('src/cli/run.ts', () => {
  const out: string[] = [];
  const err: string[] = [];
  // What a failure says goes through the logger (its records' messages land in `err`).
  const { log, records } = testLog(err);
  afterEach(() => {
    vi.restoreAllMocks();
    out.length = 0;
    err.length = 0;
    records.length = 0;
  });
  const capture = () => {
    vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
  };

  it('runs main with the arguments, and prints the usage for --help (not after `--`)', async () => {
    capture();
    expect(await run(program(), ['--level', '3'], log)).toBe(0);
    expect(await run(program(), ['--help'], log)).toBe(0);
    expect(out).toEqual(['done', USAGE]);
    expect(await run(program(), ['--', '--help'], log)).toBe(2);
  });

  it('gives exit 2 and the message for a bad option (with the usage), a UsageError and a UserError', async () => {
    capture();
    expect(await run(program(), ['--speed', '3'], log)).toBe(2);
    expect(err.at(-1)).toMatch(/^storyloom example: Unknown option '--speed'[\s\S]*\nusage: npm run example/);
    expect(
      await run(
        program(() => {
          throw new UsageError('set EXAMPLE_ID');
        }),
        [],
        log,
      ),
    ).toBe(2);
    expect(err.at(-1)).toBe('storyloom example: set EXAMPLE_ID');
    const refused = new UserError('bad_option', 'Give one opening, in quotes.');
    expect(
      await run(
        program(() => {
          throw refused;
        }),
        [],
        log,
      ),
    ).toBe(2);
    expect(err.at(-1)).toBe('storyloom example: Give one opening, in quotes.');
    expect(records.map((r) => r.level)).toEqual(['error', 'error', 'error']);
    expect(out).toEqual([]);
  });

  it('gives exit 1 for other failures: the message (without a second "storyloom: "), and the stack for a bug', () => {
    expect(failure('example', new Error('storyloom: the mailbox is gone'), USAGE)).toEqual({
      text: 'storyloom example: the mailbox is gone',
      code: 1,
    });
    expect(failure('example', new RangeError('temperature out of range'), USAGE).code).toBe(1);
    const bug = failure('example', new TypeError('x is undefined'), USAGE);
    expect(bug.code).toBe(1);
    expect(bug.text).toMatch(/^storyloom example: TypeError: x is undefined\n\s+at /);
  });

  it('runs a program only when it is the entry point, not when a test imports it', async () => {
    expect(isEntry(import.meta.url)).toBe(false);
    await import('../../src/cli/slack-manifest.ts');
    const args = ['--import', 'tsx', 'src/cli/generate.ts', '--help'];
    const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: ROOT });
    expect(stdout).toMatch(/^usage: npm run generate -- "<opening>"/);
  });
});
