/**
 * The stored OAuth refresh token (GOOGLE_OAUTH_TOKEN_FILE, default
 * `<data dir>/google-token.json`), written by `npm run auth:google` with mode
 * 0600. It holds the refresh token, the client id it belongs to, the scope
 * Google granted and the token endpoint; the client secret stays in `.env`.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Config } from '../../config.ts';
import { MailboxError } from './errors.ts';

/** Google's OAuth token endpoint. */
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

/** The token file's content. */
export interface StoredToken {
  type: 'authorized_user';
  client_id: string;
  refresh_token: string;
  scope: string;
  token_uri: string;
  created_at: string;
}

/** Where the refresh token lives for this configuration. */
export function tokenFilePath(config: Pick<Config, 'GOOGLE_OAUTH_TOKEN_FILE' | 'STORYLOOM_DATA_DIR'>): string {
  return config.GOOGLE_OAUTH_TOKEN_FILE ?? join(config.STORYLOOM_DATA_DIR, 'google-token.json');
}

/** Reads the token file; a clear error when it is missing or not one. */
export async function readTokenFile(path: string): Promise<StoredToken> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new MailboxError(
      'no_credentials',
      missing
        ? `storyloom: no Google sign-in yet: ${path} does not exist. ` +
            'Run `npm run auth:google` to sign in (it stores the refresh token there).'
        : `storyloom: cannot read the Google token file ${path}: ${(error as Error).message}.`,
    );
  }
  let doc: Partial<StoredToken>;
  try {
    doc = JSON.parse(text) as Partial<StoredToken>;
  } catch {
    doc = {};
  }
  if (typeof doc.refresh_token !== 'string' || doc.refresh_token === '' || typeof doc.client_id !== 'string') {
    throw new MailboxError(
      'no_credentials',
      `storyloom: ${path} is not a storyloom Google token file (no refresh token in it). ` +
        'Run `npm run auth:google` again.',
    );
  }
  return {
    type: 'authorized_user',
    client_id: doc.client_id,
    refresh_token: doc.refresh_token,
    scope: doc.scope ?? '',
    token_uri: doc.token_uri ?? GOOGLE_TOKEN_URL,
    created_at: doc.created_at ?? '',
  };
}

/** Writes the token file, readable by this user only. */
export async function writeTokenFile(path: string, token: StoredToken): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temp, `${JSON.stringify(token, null, 2)}\n`, { mode: 0o600 });
  await chmod(temp, 0o600);
  await rename(temp, path);
}
