/**
 * What `npm run auth:google` does: the loopback sign-in with the OAuth client
 * from the configuration, then the refresh token stored in the token file
 * (mode 0600), then a first call to say who signed in.
 */
import { OAuth2Client } from 'google-auth-library';
import { ConfigError, type Config } from '../../config.ts';
import { DriveApi } from './api.ts';
import { runLoopbackFlow, type LoopbackFlowOptions } from './oauth-flow.ts';
import { tokenFilePath, writeTokenFile } from './token-file.ts';

/** Where the refresh token went, and whose it is. */
export interface StoredSignIn {
  path: string;
  email: string;
}

/** Signs in and stores the refresh token. */
export async function signInToDrive(
  config: Config,
  flow: Pick<LoopbackFlowOptions, 'onAuthUrl' | 'tokenUrl' | 'authUrl' | 'timeoutMs'>,
): Promise<StoredSignIn> {
  const clientId = config.GOOGLE_OAUTH_CLIENT_ID;
  const clientSecret = config.GOOGLE_OAUTH_CLIENT_SECRET;
  if (!clientId || !clientSecret) {
    throw new ConfigError(
      'storyloom: `npm run auth:google` needs GOOGLE_OAUTH_CLIENT_ID and GOOGLE_OAUTH_CLIENT_SECRET in .env ' +
        '(a "Desktop app" OAuth client; see docs/drive.md).',
    );
  }
  const signIn = await runLoopbackFlow({ clientId, clientSecret, ...flow });
  const path = tokenFilePath(config);
  await writeTokenFile(path, {
    type: 'authorized_user',
    client_id: clientId,
    refresh_token: signIn.refreshToken,
    scope: signIn.scope,
    token_uri: signIn.tokenUrl,
    created_at: new Date().toISOString(),
  });
  const auth = new OAuth2Client({ clientId, clientSecret, endpoints: { oauth2TokenUrl: signIn.tokenUrl } });
  auth.setCredentials({ refresh_token: signIn.refreshToken });
  const email = await new DriveApi({ auth, kind: 'oauth_user', apiUrl: config.DRIVE_API_URL }).accountEmail();
  return { path, email };
}
