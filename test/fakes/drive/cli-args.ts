import type { PrincipalKind, PrincipalSpec, Scope } from './model.ts';

/** Parses `token:email[:kind[:scope[:label[:refreshToken]]]]`. */
export function parsePrincipalArg(text: string): PrincipalSpec {
  const [token, email, kind, scope, label, refreshToken] = text.split(':');
  if (!token || !email) throw new Error(`--principal needs token:email[:kind:scope:label:refreshToken], got "${text}"`);
  if (kind && kind !== 'user' && kind !== 'service_account') throw new Error(`bad principal kind "${kind}"`);
  if (scope && !['drive', 'drive.file', 'drive.readonly'].includes(scope))
    throw new Error(`bad principal scope "${scope}"`);
  return {
    token,
    email,
    kind: (kind || 'user') as PrincipalKind,
    scope: (scope || 'drive') as Scope,
    ...(label ? { label } : {}),
    ...(refreshToken ? { refreshToken } : {}),
  };
}
