import type { Clock, Email, EmailPort, SmsPort } from '../shared/ports.js';

export interface SentSms {
  to: string;
  body: string;
  at: string;
}

/** The local SMS sink behind the SMS port: every message lands here and in `/_local/outbox`. */
export class SmsOutbox implements SmsPort {
  readonly sent: SentSms[] = [];
  /** Every SMS since start, across resets (the tests scan it for PHI). */
  readonly history: SentSms[] = [];

  constructor(private readonly clock: Clock) {}

  async send(to: string, body: string): Promise<void> {
    const sms = { to, body, at: this.clock.now().toISOString() };
    this.sent.push(sms);
    this.history.push(sms);
  }

  clear(): void {
    this.sent.length = 0;
  }
}

/**
 * The local email port: sends through aws-ses-v2-local and notes the app clock's time of each send,
 * so outbox times agree with the SMS ones after the clock was advanced.
 */
export class TimedEmail implements EmailPort {
  readonly sentAt: string[] = [];
  /** Every email since start, across resets (the tests scan it for PHI). */
  readonly history: Email[] = [];

  constructor(
    private readonly inner: EmailPort,
    private readonly clock: Clock,
  ) {}

  async send(email: Email): Promise<void> {
    await this.inner.send(email);
    this.sentAt.push(this.clock.now().toISOString());
    this.history.push(email);
  }

  clear(): void {
    this.sentAt.length = 0;
  }
}

/** Mail as aws-ses-v2-local stored it, in the outbox shape, timed by the app clock. */
export async function sentEmail(sesUrl: string, sentAt: string[]) {
  const response = await fetch(`${sesUrl}/store`);
  const { emails } = (await response.json()) as {
    emails: { destination: { to: string[] }; subject: string; body: { text?: string; html?: string }; at: number }[];
  };
  return emails.map((e, i) => ({
    to: e.destination.to,
    subject: e.subject,
    text: e.body.text ?? '',
    html: e.body.html ?? '',
    at: sentAt[i] ?? new Date(e.at * 1000).toISOString(),
  }));
}
