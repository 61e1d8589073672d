/** Makes the configured transport: a local folder, or a Google Drive folder. */
import { join } from 'node:path';
import type { Config } from '../config.ts';
import { defaultLogger, type Logger } from '../log.ts';
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
 * (`<data dir>/drive-<side>.json`), and only the bot does housekeeping. `log` is the process's logger.
 */
export async function makeTransport(
  config: Config,
  side: MailboxSide,
  log: Logger = defaultLogger(),
): Promise<Transport> {
  if (config.STORYLOOM_MAILBOX === 'drive') return makeDriveTransport(config, side, log);
  return new LocalFolderTransport(localMailboxDir(config), undefined, log);
}
