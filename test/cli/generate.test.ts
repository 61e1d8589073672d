/**
 * `npm run generate` as a process: it agrees with the chat (the opening, /story's
 * ranges and messages, the chat's sampling), shows which words are the model's,
 * and refuses what the chat refuses with exit code 2 before loading any model.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { findCommand } from '../../commands/index.ts';
import { checkArgs } from '../../src/core/options.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { writeStyledModel } from '../helpers/models.ts';
import { ROOT } from '../helpers/python.ts';

const CLI = join(ROOT, 'src/cli/generate.ts');

/** Runs the CLI; resolves with its exit code and output, whatever the code. */
async function generate(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const run = promisify(execFile);
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** The message core gives for these /story arguments. */
function chatMessage(raw: Record<string, unknown>): string {
  try {
    checkArgs(findCommand('story')!, { opening: 'The old house', ...raw });
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('core took it');
}

describe('npm run generate', () => {
  it('prints the opening and the model’s line, each with who wrote it; --json says the same', async () => {
    const text = await generate('The old house', '--seed', '7', '--length', '120');
    expect(text.code).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 2)).toEqual(['The old house', '  📖 the opening']);
    expect(lines.at(-1)).toBe('  ✍️ the model (small), temperature 0.8, seed 7');
    const json = await generate('The old house', '--seed', '7', '--max-chars', '120', '--json');
    const out = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(out).toMatchObject({ model: 'small', seed: 7, opening: 'The old house', prompt: 'The old house ' });
    expect(Object.keys(out)).toEqual(['model', 'seed', 'text', 'stop', 'ms', 'opening', 'prompt']);
    expect(lines.slice(2, -1).join('\n')).toBe((out.text as string).trim());
    expect((out.text as string).length).toBeLessThanOrEqual(120);
  }, 60_000);

  it('writes in the style asked for, and says when the model has none such; /story’s styles only', async () => {
    const model = writeStyledModel(mkdtempSync(join(tmpdir(), 'storyloom-generate-')), { styles: ['any', 'austen'] });
    const styled = await generate('The old house', '--model', model, '--style', 'austen', '--seed', '3');
    expect(styled.code).toBe(0);
    expect(styled.stdout.trimEnd().split('\n').at(-1)).toBe(
      '  ✍️ the model (styled), temperature 0.8, seed 3, style austen',
    );
    const lacking = await generate('The old house', '--model', model, '--style', 'mystery', '--seed', '3');
    expect(lacking.stdout.trimEnd().split('\n').at(-1)).toBe(
      '  ✍️ the model (styled), temperature 0.8, seed 3, no style (it has no mystery)',
    );
    const json = JSON.parse((await generate('x', '--model', model, '--style', 'austen', '--json')).stdout);
    expect(json.style).toBe('austen');
    const refused = await generate('The old house', '--style', 'gothic');
    expect(refused).toMatchObject({ code: 2, stdout: '' });
    expect(refused.stderr).toContain(chatMessage({ style: 'gothic' }));
  }, 60_000);

  it.each([
    [['--temperature', '5'], { temperature: 5 }],
    [['--temperature', '0'], { temperature: 0 }],
    [['--length', '5'], { length: 5 }],
    [['--max-chars', '5000'], { length: 5000 }],
    [['--length', 'long'], { length: 'long' }],
  ])(
    'refuses %j with the chat’s own message, exit 2',
    async (args, raw) => {
      const run = await generate('The old house', ...args);
      expect(run).toMatchObject({ code: 2, stdout: '' });
      expect(run.stderr.trim()).toBe(`storyloom generate: ${chatMessage(raw)}`);
    },
    30_000,
  );

  it.each([
    ['no opening', [], /Give the opening to continue, e\.g\. npm run generate -- "The lighthouse keeper"/],
    ['an empty opening', [''], /Give the opening to continue/],
    ['an opening of spaces', ['  \n '], /Give the opening to continue/],
    ['an opening with no letter or digit', ['!!!'], /The opening needs at least one letter or digit\./],
    ['an opening of 1,001 characters', ['x'.repeat(1001)], /The opening is too long: keep it under 1000 characters\./],
    ['two openings', ['a', 'b'], /Give one opening, in quotes\./],
    ['an unknown stop rule', ['The old house', '--stop', 'never'], /stop must be one of sentence, line, none\./],
    ['min-chars over the length', ['Hi', '--min-chars', '300'], /min-chars must not be more than length \(280\)/],
    ['an unknown option', ['Hi', '--speed', '3'], /Unknown option '--speed'[\s\S]*usage: npm run generate -- "</],
  ])(
    'refuses %s clearly, exit 2',
    async (_name, args, message) => {
      const run = await generate(...(args as string[]));
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message as RegExp);
      expect(run.stdout).toBe('');
    },
    30_000,
  );
});
