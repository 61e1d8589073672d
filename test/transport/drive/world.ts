/**
 * A Drive fake with a mailbox on it, for the DriveTransport tests: principals
 * `bot`, `worker` and `late` (one Google account, three tokens, so the fake
 * counts each side apart), the folder tree made by initMailbox, and
 * transports with fast polling and quick retries. `startTwoAccountWorld` makes
 * `bot` and `worker` two Google accounts instead, in a Shared Drive with given
 * roles or in the bot's My Drive, to check who may remove what.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OAuth2Client } from 'google-auth-library';
import { DriveApi } from '../../../src/transport/drive/api.ts';
import type { BackoffPolicy } from '../../../src/transport/drive/backoff.ts';
import { DriveTransport, type DriveTransportOptions } from '../../../src/transport/drive/drive.ts';
import { initMailbox } from '../../../src/transport/drive/init.ts';
import { startDriveFake, type DriveFake, type DriveFakeOptions, type Role } from '../../fakes/drive/index.ts';
import { quietLog } from '../../helpers/log.ts';

/** Retries that finish quickly in tests. */
export const TEST_BACKOFF: BackoffPolicy = { attempts: 8, baseMs: 10, capMs: 200, maxRetryAfterMs: 1500 };
/** The one Google account the three test principals share. */
export const EMAIL = 'me@example.com';
/** The accounts of a two-account world. */
export const BOT_EMAIL = 'bot@example.com';
export const WORKER_EMAIL = 'worker@example.com';

/** A fake, a mailbox on it, and a scratch folder. */
export interface DriveWorld {
  fake: DriveFake;
  folderId: string;
  dir: string;
  /** A transport for a principal (`bot`, `worker`, `late`), not yet opened; closed by `close()`. */
  transport(label: string, options?: Partial<DriveTransportOptions>): DriveTransport;
  /** Opens and returns a transport. */
  open(label: string, options?: Partial<DriveTransportOptions>): Promise<DriveTransport>;
  close(): Promise<void>;
}

/** A Drive client for a fake principal's access token. */
export function apiFor(
  fake: DriveFake,
  token: string,
  extra: { backoff?: BackoffPolicy; timeoutMs?: number } = {},
): DriveApi {
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: token });
  return new DriveApi({
    auth,
    kind: 'access_token',
    apiUrl: fake.url,
    timeoutMs: extra.timeoutMs ?? 2000,
    backoff: extra.backoff ?? TEST_BACKOFF,
    log: quietLog(),
  });
}

/** Starts the fake and makes the mailbox (counts are reset afterwards; `listLagMs` applies from then on). */
export async function startWorld(options: DriveFakeOptions = {}): Promise<DriveWorld> {
  const fake = await startDriveFake({
    ...options,
    listLagMs: 0,
    principals: ['bot', 'worker', 'late'].map((label) => ({ token: `${label}-token`, email: EMAIL, label })),
  });
  const { rootId: folderId } = await initMailbox(apiFor(fake, 'bot-token'));
  return worldOn(fake, folderId, options.listLagMs ?? 0);
}

/** Where a two-account world's mailbox is: a Shared Drive with a role for each account, or the bot's My Drive. */
export type MailboxPlace = { sharedDrive: { bot: Role; worker: Role } } | 'myDrive';

/**
 * `bot` (bot@example.com) and `worker` (worker@example.com) as two Google accounts. In a Shared Drive, an
 * `admin` organizer makes the mailbox and the two are members with the given roles; in My Drive, the bot makes it
 * and shares it with the worker as an editor.
 */
export async function startTwoAccountWorld(place: MailboxPlace, options: DriveFakeOptions = {}): Promise<DriveWorld> {
  const fake = await startDriveFake({
    ...options,
    listLagMs: 0,
    principals: [
      { token: 'bot-token', email: BOT_EMAIL, label: 'bot' },
      { token: 'worker-token', email: WORKER_EMAIL, label: 'worker' },
      { token: 'admin-token', email: 'admin@example.com', label: 'admin' },
    ],
  });
  let folderId: string;
  if (place === 'myDrive') {
    folderId = (await initMailbox(apiFor(fake, 'bot-token'))).rootId;
    fake.share(folderId, WORKER_EMAIL, 'writer');
  } else {
    const { bot, worker } = place.sharedDrive;
    const members: Record<string, Role> = {
      'admin@example.com': 'organizer',
      [BOT_EMAIL]: bot,
      [WORKER_EMAIL]: worker,
    };
    const drive = fake.createSharedDrive({ name: 'storyloom team', members });
    folderId = (await initMailbox(apiFor(fake, 'admin-token'), { parentId: drive.id })).rootId;
  }
  return worldOn(fake, folderId, options.listLagMs ?? 0);
}

/** The world around a fake whose mailbox is made. */
function worldOn(fake: DriveFake, folderId: string, listLagMs: number): DriveWorld {
  // The listing lag (if any) starts after the mailbox is made, as when the bot starts long after
  // `npm run mailbox:init`.
  fake.setListLag(listLagMs);
  fake.resetCounts();
  const dir = mkdtempSync(join(tmpdir(), 'storyloom-drive-'));
  const opened: DriveTransport[] = [];
  const world: DriveWorld = {
    fake,
    folderId,
    dir,
    transport(label, extra = {}) {
      const t = new DriveTransport({
        api: apiFor(fake, `${label}-token`),
        folderId,
        polling: { fastMs: 50, slowMs: 250 },
        stateFile: join(dir, `drive-${label}.json`),
        log: quietLog(),
        ...extra,
      });
      opened.push(t);
      return t;
    },
    async open(label, extra) {
      const t = world.transport(label, extra);
      await t.open();
      return t;
    },
    async close() {
      await Promise.all(opened.splice(0).map((t) => t.close().catch(() => undefined)));
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return world;
}
