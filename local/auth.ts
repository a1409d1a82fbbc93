import { SignJWT, decodeProtectedHeader, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { randomBytes } from 'node:crypto';

/** The user pools a route can trust: staff (coordinators), and external (attorneys and doctors). */
export type Pool = 'staff' | 'external';

/** The local OpenID Connect provider, whose ID tokens the API accepts as Cognito's in AWS: one client per pool. */
export interface TrustedIssuer {
  issuer: string;
  jwks: JWTVerifyGetKey;
  /** The client (the token's audience) that stands for each pool. */
  audiences: Record<Pool, string>;
}

/**
 * Plays the API Gateway Cognito authorizers, one per user pool: a pool accepts the ID tokens the local
 * OpenID Connect provider issued to that pool's client (verified with the provider's JWKS, issuer and
 * audience) and the tokens `/_local/token` signs for that pool, and hands the handler the same `claims`
 * shape Cognito does. A token of one pool is refused by the other, as in AWS.
 */
export class LocalAuthorizer {
  private readonly secret = randomBytes(32);
  private readonly issuers: Record<Pool, string> = { staff: 'medreview-local', external: 'medreview-local-external' };

  constructor(private readonly provider?: TrustedIssuer) {}

  /** A staff token whose groups claim is `[group]`. */
  async issue(group: string, subject = 'local-coordinator'): Promise<string> {
    return this.sign('staff', { 'cognito:groups': [group], email: `${subject}@localhost` }, subject);
  }

  /** An external-pool ID token for a verified email (an attorney, or a doctor when it is a roster doctor's). */
  async issueExternal(email: string): Promise<string> {
    const address = email.trim().toLowerCase();
    return this.sign('external', { email: address, email_verified: true, token_use: 'id' }, `ext-${address}`);
  }

  /** The claims of a valid bearer token of that pool (`party`: of either pool, as one authorizer over both), or undefined (→ 401). */
  async verify(authorization: string | undefined, pool: Pool | 'party' = 'staff'): Promise<Record<string, string> | undefined> {
    if (pool === 'party') return (await this.verify(authorization, 'staff')) ?? (await this.verify(authorization, 'external'));
    const token = /^Bearer (\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token) return undefined;
    try {
      const { payload } = await this.check(token, pool);
      const groups = (payload['cognito:groups'] as string[] | undefined) ?? [];
      // API Gateway passes Cognito claims as strings; groups as a comma-separated list
      return {
        sub: String(payload.sub),
        email: String(payload.email ?? ''),
        email_verified: String(payload.email_verified ?? false),
        'cognito:groups': groups.join(','),
      };
    } catch {
      return undefined;
    }
  }

  private sign(pool: Pool, claims: JWTPayload, subject: string): Promise<string> {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(this.issuers[pool])
      .setSubject(subject)
      .setIssuedAt()
      .setExpirationTime('12h')
      .sign(this.secret);
  }

  private check(token: string, pool: Pool): Promise<{ payload: JWTPayload }> {
    const { alg } = decodeProtectedHeader(token);
    if (alg === 'HS256') return jwtVerify(token, this.secret, { issuer: this.issuers[pool], algorithms: ['HS256'] });
    if (!this.provider) throw new Error('no provider');
    const { issuer, jwks, audiences } = this.provider;
    return jwtVerify(token, jwks, { issuer, audience: audiences[pool], algorithms: ['RS256'] });
  }
}
