/**
 * A Drive fake with a mailbox on it, for the DriveTransport tests: principals
 * `bot`, `worker` and `late` (one Google account, three tokens, so the fake
 * counts each side apart), the folder tree made by initMailbox, and
 * transports with fast polling and quick retries.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OAuth2Client } from 'google-auth-library';
import { DriveApi } from '../../../src/transport/drive/api.ts';
import type { BackoffPolicy } from '../../../src/transport/drive/backoff.ts';
import { DriveTransport, type DriveTransportOptions } from '../../../src/transport/drive/drive.ts';
import { initMailbox } from '../../../src/transport/drive/init.ts';
import { startDriveFake, type DriveFake, type DriveFakeOptions } from '../../fakes/drive/index.ts';

/** Retries that finish quickly in tests. */
export const TEST_BACKOFF: BackoffPolicy = { attempts: 8, baseMs: 10, capMs: 200, maxRetryAfterMs: 1500 };
/** The one Google account the three test principals share. */
export const EMAIL = 'me@example.com';

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
export function apiFor(fake: DriveFake, token: string, extra: { backoff?: BackoffPolicy; timeoutMs?: number } = {}): DriveApi {
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: token });
  return new DriveApi({ auth, kind: 'access_token', apiUrl: fake.url, timeoutMs: extra.timeoutMs ?? 2000, backoff: extra.backoff ?? TEST_BACKOFF });
}

/** Starts the fake and makes the mailbox (counts are reset afterwards; `listLagMs` applies from then on). */
export async function startWorld(options: DriveFakeOptions = {}): Promise<DriveWorld> {
  const fake = await startDriveFake({
    ...options,
    listLagMs: 0,
    principals: ['bot', 'worker', 'late'].map((label) => ({ token: `${label}-token`, email: EMAIL, label })),
  });
  const { rootId: folderId } = await initMailbox(apiFor(fake, 'bot-token'));
  // The listing lag (if any) starts after the mailbox is made, as when the bot starts long after `npm run mailbox:init`.
  fake.setListLag(options.listLagMs ?? 0);
  fake.resetCounts();
  const dir = mkdtempSync(join(tmpdir(), 'storyloom-drive-'));
  const opened: DriveTransport[] = [];
  const world: DriveWorld = {
    fake, folderId, dir,
    transport(label, extra = {}) {
      const t = new DriveTransport({
        api: apiFor(fake, `${label}-token`), folderId, polling: { fastMs: 50, slowMs: 250 },
        stateFile: join(dir, `drive-${label}.json`), log: () => undefined, ...extra,
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
