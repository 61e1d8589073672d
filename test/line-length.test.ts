/**
 * Lines stay at 120 characters or fewer in every tracked source file, on both sides: Biome and black
 * wrap code, but neither breaks a string or a comment, so this check covers what they leave.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/python.ts';

const LIMIT = 120;
const SOURCES = ['*.ts', '*.js', '*.mjs', '*.py'];

/** `file:line (n chars)` for each line of `text` over the limit, counting characters, not bytes. */
function longLines(file: string, text: string, limit = LIMIT): string[] {
  return text.split('\n').flatMap((line, i) => {
    const chars = [...line].length;
    return chars > limit ? [`${file}:${i + 1} (${chars} chars)`] : [];
  });
}

describe('line length', () => {
  it('counts characters, so a line of 120 with an ellipsis and an emoji passes and 121 does not', () => {
    const fits = `${'x'.repeat(118)}…✔`;
    expect(Buffer.byteLength(fits)).toBeGreaterThan(LIMIT);
    expect(longLines('a.ts', `ok\n${fits}\n`)).toEqual([]);
    expect(longLines('a.ts', `ok\n${fits}!\n`)).toEqual(['a.ts:2 (121 chars)']);
  });

  it(`keeps every TypeScript, JavaScript and Python line at ${LIMIT} characters or fewer`, () => {
    // Tracked files, and new ones git does not ignore: a file not yet added is checked too.
    const listed = ['ls-files', '-z', '--cached', '--others', '--exclude-standard', ...SOURCES];
    const files = execFileSync('git', listed, { cwd: ROOT, encoding: 'utf8' })
      .split('\0')
      .filter((file) => file && existsSync(join(ROOT, file)));
    expect(files.length).toBeGreaterThan(300);
    const over = files.flatMap((file) => longLines(file, readFileSync(join(ROOT, file), 'utf8')));
    expect(over).toEqual([]);
  });
});
