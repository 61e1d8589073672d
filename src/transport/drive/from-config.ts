/**
 * A DriveTransport from the configuration: credentials (auth.ts), the API at
 * DRIVE_API_URL, DRIVE_FOLDER_ID, the poll intervals, and a state file per
 * side, `<STORYLOOM_DATA_DIR>/drive-<side>.json`. Only the bot's side keeps
 * the mailbox tidy (housekeeping.ts).
 */
import { join } from 'node:path';
import { ConfigError, type Config } from '../../config.ts';
import { defaultLogger, type Logger } from '../../log.ts';
import { DriveApi } from './api.ts';
import { loadCredentials } from './auth.ts';
import { DriveTransport } from './drive.ts';
import { DEFAULT_HOUSEKEEPING } from './housekeeping.ts';

/** Which side of the mailbox a process is: each keeps its own page token. */
export type MailboxSide = 'bot' | 'worker';

/** The state file of one side. */
export function driveStateFile(config: Pick<Config, 'STORYLOOM_DATA_DIR'>, side: MailboxSide): string {
  return join(config.STORYLOOM_DATA_DIR, `drive-${side}.json`);
}

/** The Drive mailbox for `side`, not yet opened. */
export async function makeDriveTransport(
  config: Config,
  side: MailboxSide,
  log: Logger = defaultLogger(),
): Promise<DriveTransport> {
  if (!config.DRIVE_FOLDER_ID)
    throw new ConfigError(
      'storyloom: STORYLOOM_MAILBOX=drive needs DRIVE_FOLDER_ID (run `npm run mailbox:init` to make one). ' +
        'See .env.example.',
    );
  const credentials = await loadCredentials(config);
  const api = new DriveApi({ auth: credentials.auth, kind: credentials.kind, apiUrl: config.DRIVE_API_URL, log });
  return new DriveTransport({
    api,
    folderId: config.DRIVE_FOLDER_ID,
    stateFile: driveStateFile(config, side),
    polling: { fastMs: config.DRIVE_POLL_FAST_MS, slowMs: config.DRIVE_POLL_SLOW_MS },
    ...(side === 'bot' ? { housekeeping: DEFAULT_HOUSEKEEPING } : {}),
    log,
  });
}
