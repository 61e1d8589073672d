/**
 * Google's OAuth "loopback" sign-in for a Desktop client: a one-shot HTTP
 * server on 127.0.0.1 receives the redirect, the code is exchanged (with PKCE)
 * for tokens, and the refresh token comes back. The scope is the full `drive`
 * one: with `drive.file` the bot would see only files it made itself, not the
 * responses the Colab worker writes with its own credentials.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CodeChallengeMethod, OAuth2Client } from 'google-auth-library';
import { MailboxError } from './errors.ts';
import { DRIVE_SCOPE } from './mailbox-folders.ts';
import { GOOGLE_TOKEN_URL } from './token-file.ts';

/** What the sign-in needs. */
export interface LoopbackFlowOptions {
  clientId: string;
  clientSecret: string;
  /** Shows the URL to open (printing it, usually). */
  onAuthUrl: (url: string) => void;
  /** The token endpoint; Google's by default. */
  tokenUrl?: string;
  /** The consent page; Google's by default. */
  authUrl?: string;
  /** How long to wait for the browser (ms). Default 5 minutes. */
  timeoutMs?: number;
}

/** What the sign-in gives. */
export interface SignIn {
  refreshToken: string;
  scope: string;
  tokenUrl: string;
}

const PAGE = (text: string) =>
  `<!doctype html><meta charset="utf-8"><title>storyloom</title><p style="font:16px sans-serif">${text}</p>`;

/** Runs the sign-in; resolves once Google redirected back and the code was exchanged. */
export async function runLoopbackFlow(options: LoopbackFlowOptions): Promise<SignIn> {
  const tokenUrl = options.tokenUrl ?? GOOGLE_TOKEN_URL;
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  try {
    const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2callback`;
    const client = new OAuth2Client({
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      redirectUri,
      endpoints: { oauth2TokenUrl: tokenUrl, ...(options.authUrl ? { oauth2AuthBaseUrl: options.authUrl } : {}) },
    });
    const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
    const state = randomBytes(16).toString('hex');
    options.onAuthUrl(
      client.generateAuthUrl({
        access_type: 'offline',
        prompt: 'consent',
        scope: [DRIVE_SCOPE],
        state,
        code_challenge_method: CodeChallengeMethod.S256,
        code_challenge: codeChallenge,
      }),
    );
    const code = await waitForCode(server, state, options.timeoutMs ?? 5 * 60_000);
    const { tokens } = await client.getToken({ code, codeVerifier, redirect_uri: redirectUri });
    if (!tokens.refresh_token) {
      throw new MailboxError(
        'no_credentials',
        'storyloom: Google sent no refresh token. ' +
          "Remove storyloom's access at https://myaccount.google.com/permissions and run `npm run auth:google` again.",
      );
    }
    const scope = tokens.scope ?? '';
    if (scope && !scope.split(/\s+/).includes(DRIVE_SCOPE)) {
      throw new MailboxError(
        'scope_too_narrow',
        `storyloom: Google granted "${scope}" but storyloom needs ${DRIVE_SCOPE} ` +
          'to see the files the Colab worker writes. ' +
          'Run `npm run auth:google` again and tick the Google Drive permission.',
      );
    }
    return { refreshToken: tokens.refresh_token, scope, tokenUrl };
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** Waits for Google's redirect to the loopback server and returns the code (checking `state`). */
function waitForCode(server: Server, state: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new MailboxError(
            'no_credentials',
            `storyloom: no answer from the browser within ${Math.round(timeoutMs / 1000)} s; ` +
              'run `npm run auth:google` again.',
          ),
        ),
      timeoutMs,
    );
    server.on('request', (req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname !== '/oauth2callback') return void res.writeHead(404).end();
      const denied = url.searchParams.get('error');
      const code = url.searchParams.get('code');
      if (url.searchParams.get('state') !== state || (!code && !denied)) {
        res
          .writeHead(400, { 'content-type': 'text/html' })
          .end(PAGE('This sign-in link is not the one storyloom is waiting for.'));
        return;
      }
      clearTimeout(timer);
      if (denied) {
        res
          .writeHead(200, { 'content-type': 'text/html' })
          .end(PAGE('storyloom was not given access. You can close this tab.'));
        reject(
          new MailboxError(
            'no_credentials',
            `storyloom: Google sign-in did not finish (${denied}). ` +
              'Run `npm run auth:google` again and allow access to Google Drive.',
          ),
        );
        return;
      }
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(PAGE('storyloom is signed in to Google Drive. You can close this tab.'));
      resolve(code!);
    });
  });
}
