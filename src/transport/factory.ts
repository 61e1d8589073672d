/** Makes the configured transport: a local folder, or a Google Drive folder. */
import { join } from 'node:path';
import type { Config } from '../config.ts';
import { makeDriveTransport, type MailboxSide } from './drive/from-config.ts';
import { LocalFolderTransport } from './local.ts';
import type { Transport } from './transport.ts';

/** The mailbox folder of the local transport. */
export function localMailboxDir(config: Config): string {
  return join(config.STORYLOOM_DATA_DIR, 'mailbox');
}

/**
 * The transport the configuration asks for (not yet opened). `side` matters on
 * Drive only: the bot and the embedded worker each keep their own page token
 * (`<data dir>/drive-<side>.json`), and only the bot does housekeeping.
 */
export async function makeTransport(config: Config, side: MailboxSide): Promise<Transport> {
  if (config.STORYLOOM_MAILBOX === 'drive') return makeDriveTransport(config, side);
  return new LocalFolderTransport(localMailboxDir(config));
}
