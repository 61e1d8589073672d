import type { IncomingHttpHeaders } from 'node:http';
import type { Principal } from '../model.ts';
import type { PrincipalRegistry } from '../principals.ts';
import type { Reply } from './handler.ts';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/**
 * The OAuth token endpoint, `POST /token` (form-encoded, or JSON):
 * `grant_type=refresh_token` exchanges a registered refresh token, and the
 * JWT-bearer grant exchanges a service account's assertion (decoded, not
 * verified: its `iss` names the principal). Errors use OAuth's
 * `{"error","error_description"}` shape.
 */
export function exchangeToken(principals: PrincipalRegistry, body: Buffer, headers: IncomingHttpHeaders): Reply {
  const form = readForm(body, headers['content-type']);
  const grant = form.get('grant_type');
  if (grant === 'refresh_token') {
    const refreshToken = form.get('refresh_token');
    if (!refreshToken) return oauthError('invalid_request', 'Missing required parameter: refresh_token');
    const principal = principals.byRefreshToken(refreshToken);
    return principal ? tokenReply(principal) : oauthError('invalid_grant', 'Token has been expired or revoked.');
  }
  if (grant === JWT_BEARER) {
    const claims = decodeJwtClaims(form.get('assertion') ?? '');
    if (!claims) return oauthError('invalid_grant', 'Invalid JWT: the assertion could not be decoded.');
    const principal = typeof claims.iss === 'string' ? principals.byEmail(claims.iss) : undefined;
    if (principal?.kind !== 'service_account') return oauthError('invalid_grant', 'Invalid grant: account not found');
    return tokenReply(principal);
  }
  return oauthError('unsupported_grant_type', `Invalid grant_type: ${grant ?? ''}`);
}

function readForm(body: Buffer, contentType: string | undefined): URLSearchParams {
  const text = body.toString('utf8');
  if (contentType?.includes('application/json')) {
    try {
      return new URLSearchParams(JSON.parse(text) as Record<string, string>);
    } catch {
      return new URLSearchParams();
    }
  }
  return new URLSearchParams(text);
}

/** The claims of a compact JWT (`header.claims.signature`), without checking the signature. */
function decodeJwtClaims(assertion: string): Record<string, unknown> | undefined {
  const parts = assertion.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    return claims !== null && typeof claims === 'object' ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function tokenReply(principal: Principal): Reply {
  return {
    status: 200,
    json: {
      access_token: principal.token,
      expires_in: 3599,
      token_type: 'Bearer',
      scope: `https://www.googleapis.com/auth/${principal.scope}`,
    },
  };
}

function oauthError(error: string, description: string): Reply {
  return { status: 400, json: { error, error_description: description } };
}
