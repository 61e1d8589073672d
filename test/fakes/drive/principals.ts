import type { Principal, PrincipalSpec } from './model.ts';

/** The registered principals, looked up by access token, email or refresh token. */
export class PrincipalRegistry {
  private readonly byTokenMap = new Map<string, Principal>();
  private readonly refreshTokens = new Map<string, string>();

  /** Registers a principal whose My Drive root is `rootId`. Re-registering a token replaces it. */
  add(spec: PrincipalSpec, rootId: string): Principal {
    const principal: Principal = {
      token: spec.token,
      email: spec.email,
      kind: spec.kind ?? 'user',
      scope: spec.scope ?? 'drive',
      label: spec.label ?? spec.email,
      rootId,
    };
    this.byTokenMap.set(spec.token, principal);
    if (spec.refreshToken !== undefined) this.refreshTokens.set(spec.refreshToken, spec.token);
    return principal;
  }

  /** The principal an access token belongs to. */
  byToken(token: string): Principal | undefined {
    return this.byTokenMap.get(token);
  }

  /** The principal with `email` (the most recently registered, if several). */
  byEmail(email: string): Principal | undefined {
    return this.all()
      .reverse()
      .find((p) => p.email === email);
  }

  /** The principal a refresh token maps to, unless it was revoked. */
  byRefreshToken(refreshToken: string): Principal | undefined {
    const token = this.refreshTokens.get(refreshToken);
    return token === undefined ? undefined : this.byTokenMap.get(token);
  }

  /** Makes a refresh token invalid, as Google does after 7 days for apps in "Testing". */
  revokeRefreshToken(refreshToken: string): void {
    this.refreshTokens.delete(refreshToken);
  }

  /** Makes an access token invalid (later calls get 401). */
  revokeAccessToken(token: string): void {
    this.byTokenMap.delete(token);
  }

  /** Every registered principal. */
  all(): Principal[] {
    return [...this.byTokenMap.values()];
  }
}
