/**
 * Google credentials for the Drive mailbox, from the configuration: a service
 * account key (GOOGLE_APPLICATION_CREDENTIALS; the mailbox must then be in a
 * Shared Drive), or an OAuth client (GOOGLE_OAUTH_CLIENT_ID/SECRET) with the
 * refresh token that `npm run auth:google` stored. Every way this can be
 * misconfigured ends in a MailboxError that says what to do.
 */
import { readFile } from 'node:fs/promises';
import { JWT, OAuth2Client } from 'google-auth-library';
import type { Config } from '../../config.ts';
import { registerSecrets } from '../../log.ts';
import { MailboxError } from './errors.ts';
import type { CredentialKind } from './explain.ts';
import { DRIVE_SCOPE } from './mailbox-folders.ts';
import { GOOGLE_TOKEN_URL, readTokenFile, tokenFilePath } from './token-file.ts';

/** Credentials ready for DriveApi. */
export interface DriveCredentials {
  auth: OAuth2Client;
  kind: CredentialKind;
}

type AuthConfig = Pick<
  Config,
  | 'GOOGLE_APPLICATION_CREDENTIALS'
  | 'GOOGLE_OAUTH_CLIENT_ID'
  | 'GOOGLE_OAUTH_CLIENT_SECRET'
  | 'GOOGLE_OAUTH_TOKEN_FILE'
  | 'STORYLOOM_DATA_DIR'
>;

/** The credentials the configuration names. */
export async function loadCredentials(config: AuthConfig): Promise<DriveCredentials> {
  if (config.GOOGLE_APPLICATION_CREDENTIALS) return serviceAccount(config.GOOGLE_APPLICATION_CREDENTIALS);
  const id = config.GOOGLE_OAUTH_CLIENT_ID;
  const secret = config.GOOGLE_OAUTH_CLIENT_SECRET;
  if (id && secret) return oauthUser(id, secret, tokenFilePath(config));
  if (id || secret) {
    throw new MailboxError(
      'no_credentials',
      `storyloom: ${id ? 'GOOGLE_OAUTH_CLIENT_SECRET' : 'GOOGLE_OAUTH_CLIENT_ID'} is missing: ` +
        'an OAuth client needs both its id and its secret (Google Cloud console > APIs & Services > Credentials). ' +
        'See docs/drive.md.',
    );
  }
  throw new MailboxError(
    'no_credentials',
    'storyloom: STORYLOOM_MAILBOX=drive needs Google credentials: ' +
      'either GOOGLE_OAUTH_CLIENT_ID and GOOGLE_OAUTH_CLIENT_SECRET (a "Desktop app" OAuth client), ' +
      'then `npm run auth:google`; ' +
      'or GOOGLE_APPLICATION_CREDENTIALS (a service account key file, with the mailbox in a Shared Drive). ' +
      'See docs/drive.md.',
  );
}

/** An OAuth client with the stored refresh token, refreshing at the token endpoint it was issued by. */
async function oauthUser(clientId: string, clientSecret: string, tokenFile: string): Promise<DriveCredentials> {
  const token = await readTokenFile(tokenFile);
  if (token.client_id !== clientId) {
    throw new MailboxError(
      'no_credentials',
      `storyloom: ${tokenFile} was made for another OAuth client than GOOGLE_OAUTH_CLIENT_ID. ` +
        'Run `npm run auth:google` again.',
    );
  }
  const auth = new OAuth2Client({ clientId, clientSecret, endpoints: { oauth2TokenUrl: token.token_uri } });
  auth.setCredentials({ refresh_token: token.refresh_token });
  registerSecrets(clientSecret, token.refresh_token);
  return { auth: secretsLogged(auth), kind: 'oauth_user' };
}

/** A service account from its JSON key file. */
async function serviceAccount(path: string): Promise<DriveCredentials> {
  const key = await readServiceAccountKey(path);
  registerSecrets(key.private_key);
  const auth = secretsLogged(new JWT({ email: key.client_email, key: key.private_key, scopes: [DRIVE_SCOPE] }));
  const tokenUri = key.token_uri ?? GOOGLE_TOKEN_URL;
  if (tokenUri !== GOOGLE_TOKEN_URL) {
    // The JWT client always posts its assertion to Google's endpoint; honour the key's token_uri, as Google's Python
    // library does.
    auth.transporter.interceptors.request.add({
      resolved: async (request) => {
        if (String(request.url) === GOOGLE_TOKEN_URL) request.url = new URL(tokenUri);
        return request;
      },
    });
  }
  return { auth, kind: 'service_account' };
}

/**
 * Registers every token the client gets from then on as a secret the log must censor: google-auth-library emits
 * `tokens` with each new access token (and a refresh token when one comes), from OAuth2Client's and JWT's refresh
 * (build/src/auth/oauth2client.js and jwtclient.js, `this.emit('tokens', tokens)`).
 */
function secretsLogged<T extends OAuth2Client>(auth: T): T {
  auth.on('tokens', (tokens) => registerSecrets(tokens.access_token, tokens.refresh_token, tokens.id_token));
  return auth;
}

interface ServiceAccountKey {
  client_email: string;
  private_key: string;
  token_uri?: string;
}

/** Reads and checks a service account key file. */
export async function readServiceAccountKey(path: string): Promise<ServiceAccountKey> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new MailboxError(
      'no_credentials',
      `storyloom: GOOGLE_APPLICATION_CREDENTIALS names ${path}, ` +
        `which ${missing ? 'does not exist' : `cannot be read (${(error as Error).message})`}.`,
    );
  }
  let doc: Record<string, unknown> = {};
  try {
    doc = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Reported below as "not a service account key".
  }
  if (doc.installed || doc.web) {
    throw new MailboxError(
      'no_credentials',
      `storyloom: ${path} is an OAuth client file, not a service account key. ` +
        'Put its client_id and client_secret in GOOGLE_OAUTH_CLIENT_ID and GOOGLE_OAUTH_CLIENT_SECRET, ' +
        'leave GOOGLE_APPLICATION_CREDENTIALS empty, and run `npm run auth:google`.',
    );
  }
  if (doc.type !== 'service_account' || typeof doc.client_email !== 'string' || typeof doc.private_key !== 'string') {
    throw new MailboxError(
      'no_credentials',
      `storyloom: ${path} (GOOGLE_APPLICATION_CREDENTIALS) is not a service account key: ` +
        'expected a JSON file with "type": "service_account", "client_email" and "private_key", ' +
        'as the Cloud console downloads it.',
    );
  }
  return {
    client_email: doc.client_email,
    private_key: doc.private_key,
    ...(typeof doc.token_uri === 'string' ? { token_uri: doc.token_uri } : {}),
  };
}
