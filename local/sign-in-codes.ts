import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { Email } from '../shared/ports.js';

/** How the local attorney sign-in bounds its emailed codes (the same bounds API.md gives). */
export const CODE_RULES = { ttlMs: 10 * 60_000, perMinute: 1, perHour: 10, wrongTries: 5 } as const;

export type Issued = { ok: true; code: string } | { ok: false; reason: 'minute' | 'hour' };
export type Checked =
  | { ok: true; email: string }
  | { ok: false; reason: 'wrong'; triesLeft: number }
  | { ok: false; reason: 'ended' | 'expired' | 'none' };

/**
 * The 6-digit codes of the local passwordless sign-in. Each sign-in attempt (an interaction of the
 * provider) holds at most one code, kept only as a keyed hash and compared in constant time; it expires
 * after 10 minutes, and the 5th wrong code ends the attempt. An address gets at most 1 code a minute and
 * 10 an hour; `name+tag@domain` counts as `name@domain`, since it reaches the same mailbox.
 */
export class SignInCodes {
  private readonly key = randomBytes(32);
  private readonly sent = new Map<string, number[]>();
  private readonly pending = new Map<string, { email: string; hash: Buffer; expiresAt: number; wrong: number }>();

  constructor(private readonly now: () => number) {}

  /** A new code for `email` in `attempt` (replacing the attempt's earlier one), or why none may be sent now. */
  issue(attempt: string, email: string): Issued {
    const now = this.now();
    const mailbox = mailboxOf(email);
    const recent = (this.sent.get(mailbox) ?? []).filter((at) => now - at < 3600_000);
    this.sent.set(mailbox, recent);
    if (recent.filter((at) => now - at < 60_000).length >= CODE_RULES.perMinute) return { ok: false, reason: 'minute' };
    if (recent.length >= CODE_RULES.perHour) return { ok: false, reason: 'hour' };
    recent.push(now);
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    this.pending.set(attempt, { email, hash: this.hash(attempt, email, code), expiresAt: now + CODE_RULES.ttlMs, wrong: 0 });
    return { ok: true, code };
  }

  /** Takes back a code that could not be mailed: it neither counts against the address nor stays valid. */
  withdraw(attempt: string, email: string): void {
    this.pending.delete(attempt);
    this.sent.get(mailboxOf(email))?.pop();
  }

  /** The address the attempt's code was sent to, while the attempt is open. */
  emailOf(attempt: string): string | undefined {
    return this.pending.get(attempt)?.email;
  }

  /** Checks a typed code; a right one closes the attempt (a code works once). */
  check(attempt: string, typed: string): Checked {
    const entry = this.pending.get(attempt);
    if (!entry) return { ok: false, reason: 'none' };
    if (this.now() >= entry.expiresAt) {
      this.pending.delete(attempt);
      return { ok: false, reason: 'expired' };
    }
    const candidate = this.hash(attempt, entry.email, typed.replace(/\s/g, ''));
    if (timingSafeEqual(candidate, entry.hash)) {
      this.pending.delete(attempt);
      return { ok: true, email: entry.email };
    }
    entry.wrong += 1;
    if (entry.wrong >= CODE_RULES.wrongTries) {
      this.pending.delete(attempt);
      return { ok: false, reason: 'ended' };
    }
    return { ok: false, reason: 'wrong', triesLeft: CODE_RULES.wrongTries - entry.wrong };
  }

  /** Forgets every code and count (the local reset hook). */
  clear(): void {
    this.sent.clear();
    this.pending.clear();
  }

  private hash(attempt: string, email: string, code: string): Buffer {
    return createHmac('sha256', this.key).update(`${attempt}\n${email}\n${code}`).digest();
  }
}

/** The mailbox an address reaches: lower-cased, without a `+tag`. */
export function mailboxOf(email: string): string {
  const address = email.trim().toLowerCase();
  const at = address.lastIndexOf('@');
  return `${address.slice(0, at).split('+')[0]}${address.slice(at)}`;
}

/** The email carrying a sign-in code: the code and how long it lasts, nothing else. */
export function signInCodeEmail(to: string, code: string, lang: 'en' | 'es'): Email {
  const minutes = CODE_RULES.ttlMs / 60_000;
  const [subject, lines] =
    lang === 'es'
      ? [
          'Su código para iniciar sesión en medreview',
          [
            `Su código para iniciar sesión es ${code}. Vence en ${minutes} minutos.`,
            'Si no pidió iniciar sesión, ignore este correo: nadie puede entrar sin el código.',
          ],
        ]
      : [
          'Your medreview sign-in code',
          [
            `Your sign-in code is ${code}. It expires in ${minutes} minutes.`,
            'If you did not ask to sign in, ignore this email: nobody can sign in without the code.',
          ],
        ];
  return { to: [to], subject, text: lines.join('\n\n'), html: lines.map((l) => `<p>${l}</p>`).join('') };
}
