/**
 * `npm run mailbox:init [-- --parent <folder or Shared Drive id>] [--name storyloom]`:
 * creates the mailbox folder tree on Google Drive, or, with DRIVE_FOLDER_ID
 * set, checks it and adds missing subfolders. Prints the folder id the bot
 * (.env) and the Colab notebook need. A root it makes is remembered in
 * `<STORYLOOM_DATA_DIR>/drive-mailbox.json`, so running it again finds it by id.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseConfig } from '../config.ts';
import { DriveApi } from '../transport/drive/api.ts';
import { loadCredentials } from '../transport/drive/auth.ts';
import { initMailbox } from '../transport/drive/init.ts';
import { runCli } from './run.ts';

const USAGE = 'usage: npm run mailbox:init [-- --parent <folder or Shared Drive id>] [--name storyloom]';

/** Makes or completes the mailbox and prints the settings to use; resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { parent: { type: 'string' }, name: { type: 'string' } } });
  const dotenv = await import('dotenv');
  dotenv.config({ quiet: true });
  // The mailbox may still be local: this command is how a Drive one comes to exist.
  const config = parseConfig({ ...process.env, STORYLOOM_MAILBOX: 'local' });
  const credentials = await loadCredentials(config);
  const api = new DriveApi({ auth: credentials.auth, kind: credentials.kind, apiUrl: config.DRIVE_API_URL });
  const rememberFile = join(config.STORYLOOM_DATA_DIR, 'drive-mailbox.json');
  const result = await initMailbox(api, {
    folderId: config.DRIVE_FOLDER_ID,
    parentId: values.parent,
    name: values.name,
    rememberFile,
  });
  const email = await api.accountEmail();
  const where = result.driveId ? `in Shared Drive ${result.driveId}` : 'in My Drive';
  console.log(`Mailbox ready ${where}, as ${email}.`);
  console.log(result.created.length ? `Created: ${result.created.join(', ')}.` : 'Every folder was already there.');
  if (result.notRecorded) {
    console.log(
      "The folder ids could not be recorded in the mailbox folder's properties, so both sides find " +
        `the folders by name. (${result.notRecorded})`,
    );
  }
  console.log(`\nPut these in .env:\n  STORYLOOM_MAILBOX=drive\n  DRIVE_FOLDER_ID=${result.rootId}\n`);
  const member = result.driveId ? ' (or another member of the Shared Drive)' : '';
  console.log(`In the Colab notebook, set DRIVE_FOLDER_ID = "${result.rootId}" and sign in as ${email}${member}.`);
  return 0;
}

runCli(import.meta.url, { name: 'mailbox:init', usage: USAGE, main });
