/** Makes the configured transport: a local folder, or (issue 6) a Google Drive folder. */
import { join } from 'node:path';
import type { Config } from '../config.ts';
import { ConfigError } from '../config.ts';
import { LocalFolderTransport } from './local.ts';
import type { Transport } from './transport.ts';

/** The mailbox folder of the local transport. */
export function localMailboxDir(config: Config): string {
  return join(config.STORYLOOM_DATA_DIR, 'mailbox');
}

/** The transport the configuration asks for (not yet opened). */
export async function makeTransport(config: Config): Promise<Transport> {
  if (config.STORYLOOM_MAILBOX === 'local') return new LocalFolderTransport(localMailboxDir(config));
  throw new ConfigError('storyloom: STORYLOOM_MAILBOX=drive is not available in this build.');
}
