import { SignJWT, jwtVerify } from 'jose';
import { randomBytes } from 'node:crypto';

/**
 * Plays the API Gateway Cognito authorizer: the local runtime signs tokens (`/_local/token`) and
 * verifies them on staff routes, handing the handler the same `claims` shape Cognito does.
 */
export class LocalAuthorizer {
  private readonly secret = randomBytes(32);
  private readonly issuer = 'medreview-local';

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
      const { payload } = await jwtVerify(token, this.secret, { issuer: this.issuer, algorithms: ['HS256'] });
      const groups = (payload['cognito:groups'] as string[] | undefined) ?? [];
      // API Gateway passes Cognito claims as strings; groups as a comma-separated list
      return { sub: String(payload.sub), email: String(payload.email ?? ''), 'cognito:groups': groups.join(',') };
    } catch {
      return undefined;
    }
  }
}
