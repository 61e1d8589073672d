/**
 * `npm run mailbox:init [-- --parent <folder or Shared Drive id>] [--name storyloom]`:
 * creates the mailbox folder tree on Google Drive, or, with DRIVE_FOLDER_ID
 * set, checks it and adds missing subfolders. Prints the folder id the bot
 * (.env) and the Colab notebook need. A root it makes is remembered in
 * `<STORYLOOM_DATA_DIR>/drive-mailbox.json`, so running it again finds it by id.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseConfig } from '../../config.ts';
import { DriveApi } from './api.ts';
import { loadCredentials } from './auth.ts';
import { initMailbox } from './init.ts';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { parent: { type: 'string' }, name: { type: 'string' } } });
  const dotenv = await import('dotenv');
  dotenv.config({ quiet: true });
  // The mailbox may still be local: this command is how a Drive one comes to exist.
  const config = parseConfig({ ...process.env, STORYLOOM_MAILBOX: 'local' });
  const credentials = await loadCredentials(config);
  const api = new DriveApi({ auth: credentials.auth, kind: credentials.kind, apiUrl: config.DRIVE_API_URL });
  const rememberFile = join(config.STORYLOOM_DATA_DIR, 'drive-mailbox.json');
  const result = await initMailbox(api, {
    folderId: config.DRIVE_FOLDER_ID, parentId: values.parent, name: values.name, rememberFile,
  });
  const email = await api.accountEmail();
  const where = result.driveId ? `in Shared Drive ${result.driveId}` : 'in My Drive';
  console.log(`Mailbox ready ${where}, as ${email}.`);
  console.log(result.created.length ? `Created: ${result.created.join(', ')}.` : 'Every folder was already there.');
  if (result.notRecorded) {
    console.log('The folder ids could not be recorded in the mailbox folder\'s properties, so both sides find ' +
      `the folders by name. (${result.notRecorded})`);
  }
  console.log(`\nPut these in .env:\n  STORYLOOM_MAILBOX=drive\n  DRIVE_FOLDER_ID=${result.rootId}\n`);
  console.log(`In the Colab notebook, set DRIVE_FOLDER_ID = "${result.rootId}" and sign in as ${email}${result.driveId ? ' (or another member of the Shared Drive)' : ''}.`);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
