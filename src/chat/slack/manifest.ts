/**
 * `npm run slack:manifest`: writes commands/slack-manifest.yaml from commands/.
 *   --check                 exit 1 if the committed file is not what commands/ gives
 *   --request-url <url>     print the HTTP-mode manifest (e.g. https://host/slack/events) instead
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { manifestYaml } from './slack-manifest.ts';

/** Where the manifest is committed. */
export const MANIFEST_PATH = fileURLToPath(new URL('../../../commands/slack-manifest.yaml', import.meta.url));

function main(): number {
  const { values } = parseArgs({ options: { check: { type: 'boolean' }, 'request-url': { type: 'string' } } });
  const requestUrl = values['request-url'];
  if (requestUrl) {
    if (!/^https:\/\/\S+$/.test(requestUrl)) {
      console.error('slack:manifest: --request-url must be a public https:// URL, e.g. https://storyloom.example.com/slack/events');
      return 2;
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
    console.error('slack:manifest: commands/slack-manifest.yaml is out of date; run `npm run slack:manifest`.');
    return 1;
  }
  writeFileSync(MANIFEST_PATH, wanted);
  console.log(`slack:manifest: wrote ${MANIFEST_PATH}`);
  return 0;
}

process.exitCode = main();
