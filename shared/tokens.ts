import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `MR-` and 8 random Crockford base32 characters. */
export function newReferralId(): string {
  let id = '';
  for (let i = 0; i < 8; i++) id += CROCKFORD[randomInt(32)];
  return `MR-${id}`;
}

/**
 * The referral id a submission with an Idempotency-Key gets (`scope`: the submitter and the key): the
 * same 8 Crockford characters every time, so every run of that key writes the same case.
 */
export function referralIdFor(scope: string): string {
  const digest = createHash('sha256').update(`referral:${scope}`).digest();
  let id = '';
  for (let i = 0; i < 8; i++) id += CROCKFORD[digest[i] % 32];
  return `MR-${id}`;
}

/** A document's id: `D-` and 16 Crockford base32 characters (80 random bits), the last part of its object key. */
export function newDocumentId(): string {
  let id = '';
  for (let i = 0; i < 16; i++) id += CROCKFORD[randomInt(32)];
  return `D-${id}`;
}

/** An opaque id for an offer (not a secret: the token is). */
export function newOfferId(): string {
  return randomBytes(12).toString('base64url');
}

/** A 256-bit single-use secret for a link, base64url. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Constant-time check of a presented token against a stored hash. */
export function tokenMatches(token: unknown, storedHash: string | undefined): boolean {
  if (typeof token !== 'string' || !storedHash) return false;
  const a = Buffer.from(hashToken(token), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
