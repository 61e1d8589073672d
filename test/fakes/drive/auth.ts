import type { IncomingHttpHeaders } from 'node:http';
import { invalidCredentials, loginRequired } from './errors-catalog.ts';
import type { Principal } from './model.ts';
import type { PrincipalRegistry } from './principals.ts';

/** The access token a request carries: `Authorization: Bearer …`, or the `access_token` query parameter. */
export function bearerToken(headers: IncomingHttpHeaders, query: URLSearchParams): string | undefined {
  const header = headers.authorization;
  if (header !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return m ? m[1] : '';
  }
  return query.get('access_token') ?? undefined;
}

/** The caller's principal; throws Drive's 401 for a missing or unknown token. */
export function authenticate(
  principals: PrincipalRegistry,
  headers: IncomingHttpHeaders,
  query: URLSearchParams,
): Principal {
  const token = bearerToken(headers, query);
  if (token === undefined) throw loginRequired();
  const principal = principals.byToken(token);
  if (!principal) throw invalidCredentials();
  return principal;
}

/** The label calls are counted under: the principal's, or `anonymous`. */
export function callerLabel(
  principals: PrincipalRegistry,
  headers: IncomingHttpHeaders,
  query: URLSearchParams,
): string {
  const token = bearerToken(headers, query);
  return (token !== undefined && principals.byToken(token)?.label) || 'anonymous';
}
