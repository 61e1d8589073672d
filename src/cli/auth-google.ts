/**
 * `npm run auth:google`: signs in to Google with the OAuth client in `.env`
 * (GOOGLE_OAUTH_CLIENT_ID/SECRET, a "Desktop app" client), and stores the
 * refresh token in GOOGLE_OAUTH_TOKEN_FILE (default <data dir>/google-token.json,
 * mode 0600). Prints the URL to open; the browser comes back to 127.0.0.1.
 */
import { parseArgs } from 'node:util';
import { parseConfig } from '../config.ts';
import { signInToDrive } from '../transport/drive/sign-in.ts';
import { runCli } from './run.ts';

const USAGE = 'usage: npm run auth:google';

/** Signs in and stores the refresh token; resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  parseArgs({ args: argv, options: {} });
  const dotenv = await import('dotenv');
  dotenv.config({ quiet: true });
  // Signing in comes before the mailbox exists, so DRIVE_FOLDER_ID may still be empty.
  const config = parseConfig({ ...process.env, STORYLOOM_MAILBOX: 'local' });
  const { path, email } = await signInToDrive(config, {
    onAuthUrl: (url) =>
      console.log(
        'Open this link in a browser, sign in, and allow access to Google Drive:' +
          `\n\n  ${url}\n\nWaiting for the browser...`,
      ),
  });
  console.log(`Signed in as ${email}. The refresh token is in ${path} (readable by you only).`);
  console.log('Next: `npm run mailbox:init` creates the mailbox folder and prints its id.');
  return 0;
}

runCli(import.meta.url, { name: 'auth:google', usage: USAGE, main });
