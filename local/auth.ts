import { SignJWT, decodeProtectedHeader, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { randomBytes } from 'node:crypto';

/** The local OpenID Connect provider whose ID tokens the staff API accepts, as Cognito's in AWS. */
export interface TrustedIssuer {
  issuer: string;
  audience: string;
  jwks: JWTVerifyGetKey;
}

/**
 * Plays the API Gateway Cognito authorizer: it accepts the ID tokens of the local OpenID Connect provider
 * (verified with the provider's JWKS, issuer and audience) and the tokens `/_local/token` signs for tests,
 * and hands the handler the same `claims` shape Cognito does.
 */
export class LocalAuthorizer {
  private readonly secret = randomBytes(32);
  private readonly issuer = 'medreview-local';

  constructor(private readonly provider?: TrustedIssuer) {}

  async issue(group: string, subject = 'local-coordinator'): Promise<string> {
    return new SignJWT({ 'cognito:groups': [group], email: `${subject}@localhost` })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(this.issuer)
      .setSubject(subject)
      .setIssuedAt()
      .setExpirationTime('12h')
      .sign(this.secret);
  }

  /** The claims of a valid bearer token, or undefined (→ 401). */
  async verify(authorization: string | undefined): Promise<Record<string, string> | undefined> {
    const token = /^Bearer (\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token) return undefined;
    try {
      const { payload } = await this.check(token);
      const groups = (payload['cognito:groups'] as string[] | undefined) ?? [];
      // API Gateway passes Cognito claims as strings; groups as a comma-separated list
      return { sub: String(payload.sub), email: String(payload.email ?? ''), 'cognito:groups': groups.join(',') };
    } catch {
      return undefined;
    }
  }

  private check(token: string): Promise<{ payload: JWTPayload }> {
    const { alg } = decodeProtectedHeader(token);
    if (alg === 'HS256') return jwtVerify(token, this.secret, { issuer: this.issuer, algorithms: ['HS256'] });
    if (!this.provider) throw new Error('no provider');
    return jwtVerify(token, this.provider.jwks, { issuer: this.provider.issuer, audience: this.provider.audience, algorithms: ['RS256'] });
  }
}
