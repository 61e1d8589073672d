/**
 * `npm run slack:manifest` (src/cli/slack-manifest.ts) as a program: `--check` passes on the committed
 * manifest, `--request-url` prints the HTTP-mode manifest, and a URL that is not https is a usage error.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { manifestYaml } from '../../src/chat/slack/registration.ts';
import { ROOT } from '../helpers/python.ts';

/** Runs the program; resolves with its exit code and output, whatever the code. */
async function manifest(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const run = promisify(execFile);
    const program = ['--import', 'tsx', 'src/cli/slack-manifest.ts'];
    const { stdout, stderr } = await run(process.execPath, [...program, ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('npm run slack:manifest', () => {
  it('`-- --check` finds the committed manifest up to date', async () => {
    expect(await manifest('--check')).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('`-- --request-url` prints the HTTP-mode manifest, and refuses a URL that is not https, exit 2', async () => {
    const url = 'https://storyloom.example.com/slack/events';
    expect(await manifest('--request-url', url)).toEqual({ code: 0, stdout: manifestYaml(url), stderr: '' });
    const refused = await manifest('--request-url', 'http://localhost/slack/events');
    expect(refused).toMatchObject({ code: 2, stdout: '' });
    expect(refused.stderr).toMatch(/^storyloom slack:manifest: --request-url must be a public https:\/\/ URL/);
  });
});
