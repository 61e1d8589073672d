/**
 * `npm run slack:manifest`: writes commands/slack-manifest.yaml from commands/.
 *   --check                 exit 1 if the committed file is not what commands/ gives
 *   --request-url <url>     print the HTTP-mode manifest (e.g. https://host/slack/events) instead
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { manifestYaml } from '../chat/slack/registration.ts';
import { runCli, UsageError } from './run.ts';

/** Where the manifest is committed. */
export const MANIFEST_PATH = fileURLToPath(new URL('../../commands/slack-manifest.yaml', import.meta.url));

const USAGE = 'usage: npm run slack:manifest [-- --check | --request-url <https://host/slack/events>]';

/** Writes, checks or prints the manifest; resolves with the exit code. */
export function main(argv: string[]): number {
  const options = { check: { type: 'boolean' }, 'request-url': { type: 'string' } } as const;
  const { values } = parseArgs({ args: argv, options });
  const requestUrl = values['request-url'];
  if (requestUrl) {
    if (!/^https:\/\/\S+$/.test(requestUrl)) {
      const example = 'https://storyloom.example.com/slack/events';
      throw new UsageError(`--request-url must be a public https:// URL, e.g. ${example}`);
    }
    process.stdout.write(manifestYaml(requestUrl));
    return 0;
  }
  const wanted = manifestYaml();
  if (values.check) {
    let committed = '';
    try {
      committed = readFileSync(MANIFEST_PATH, 'utf8');
    } catch {
      // A missing file is simply out of date.
    }
    if (committed === wanted) return 0;
    throw new Error('commands/slack-manifest.yaml is out of date; run `npm run slack:manifest`.');
  }
  writeFileSync(MANIFEST_PATH, wanted);
  console.log(`slack:manifest: wrote ${MANIFEST_PATH}`);
  return 0;
}

runCli(import.meta.url, { name: 'slack:manifest', usage: USAGE, main });
