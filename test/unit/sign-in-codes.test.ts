import { describe, expect, it } from 'vitest';
import { mailboxOf, SignInCodes, signInCodeEmail } from '../../local/sign-in-codes.js';

describe('local sign-in codes', () => {
  it('keeps only a keyed hash of the code, and a code works once', () => {
    const codes = new SignInCodes(() => 0);
    const issued = codes.issue('attempt-1', 'ana@example.org');
    if (!issued.ok) throw new Error('not issued');
    expect(issued.code).toMatch(/^\d{6}$/);
    const kept = JSON.stringify([...(codes as unknown as { pending: Map<string, unknown> }).pending.values()]);
    expect(kept).not.toContain(issued.code);
    expect(codes.check('attempt-2', issued.code)).toEqual({ ok: false, reason: 'none' }); // bound to its attempt
    expect(codes.check('attempt-1', ` ${issued.code.slice(0, 3)} ${issued.code.slice(3)} `)).toEqual({
      ok: true,
      email: 'ana@example.org',
    });
    expect(codes.check('attempt-1', issued.code)).toEqual({ ok: false, reason: 'none' });
  });

  it('a new code replaces the attempt’s earlier one; a code that could not be mailed does not count', () => {
    let now = 0;
    const codes = new SignInCodes(() => now);
    const first = codes.issue('a', 'ana@example.org');
    now += 60_000;
    const second = codes.issue('a', 'ana@example.org');
    if (!first.ok || !second.ok) throw new Error('not issued');
    if (first.code !== second.code) expect(codes.check('a', first.code)).toMatchObject({ reason: 'wrong' });
    expect(codes.check('a', second.code)).toMatchObject({ ok: true });

    now += 60_000;
    codes.withdraw('b', 'ana@example.org');
    expect(codes.issue('b', 'ana@example.org').ok).toBe(true); // the withdrawn send left no trace
  });

  it('counts name+tag@domain as name@domain, case aside', () => {
    expect(mailboxOf(' Ana.Perez+Intake@Example.org ')).toBe('ana.perez@example.org');
    expect(mailboxOf('ana@example.org')).toBe('ana@example.org');
  });

  it('mails the code and its lifetime only', () => {
    const mail = signInCodeEmail('ana@example.org', '042137', 'en');
    expect(mail).toMatchObject({ to: ['ana@example.org'], subject: 'Your medreview sign-in code' });
    expect(mail.text).toContain('042137');
    expect(mail.html).toContain('042137');
    expect(signInCodeEmail('ana@example.org', '042137', 'es').subject).toBe('Su código para iniciar sesión en medreview');
  });
});
