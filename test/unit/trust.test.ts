import { describe, expect, it } from 'vitest';
import { holdNoticeEmail, newSubmitterDigest } from '../../shared/domain/messages.js';
import { LocalKeyedHash } from '../../shared/hash/local.js';
import { trustTarget } from '../../shared/usecases/trust.js';

describe('trust target', () => {
  it('reads an address, a domain and an @domain, lower-cased', () => {
    expect(trustTarget(' Ana@Firm.ORG ')).toEqual({ email: 'ana@firm.org' });
    expect(trustTarget('@Firm.org')).toEqual({ domain: 'firm.org' });
    expect(trustTarget('firm.org')).toEqual({ domain: 'firm.org' });
  });
});

describe('messages about trust and holds', () => {
  it('the new attorneys’ digest lists referral ids only', () => {
    const m = newSubmitterDigest({ referralIds: ['MR-AAAAAAAA', 'MR-BBBBBBBB'] });
    expect(m.subject).toBe('2 referrals from new attorneys to review');
    expect(m.text).toContain('MR-AAAAAAAA, MR-BBBBBBBB');
    expect(newSubmitterDigest({ referralIds: ['MR-AAAAAAAA'] }).subject).toBe('1 referral from new attorneys to review');
  });

  it('the coordinators hear why a case is held, with ids only', () => {
    const m = holdNoticeEmail({ referralId: 'MR-BBBBBBBB', reason: 'duplicate', duplicateOf: 'MR-AAAAAAAA' });
    expect(m.text).toContain('MR-AAAAAAAA');
    expect(m.text).toContain('same A-number');
  });
});

describe('the local keyed hash', () => {
  it('is the same for the same value and key, another for another key, and never the value', async () => {
    const a = new LocalKeyedHash(Buffer.alloc(32, 1));
    const b = new LocalKeyedHash(Buffer.alloc(32, 2));
    expect(await a.hash('123456789')).toBe(await a.hash('123456789'));
    expect(await a.hash('123456789')).not.toBe(await b.hash('123456789'));
    expect(await a.hash('123456789')).toMatch(/^[0-9a-f]{64}$/);
  });
});
