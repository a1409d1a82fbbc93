import type { SmsPort } from '../shared/ports.js';
import type { Clock } from '../shared/ports.js';

export interface SentSms {
  to: string;
  body: string;
  at: string;
}

/** The local SMS sink behind the SMS port: every message lands here and in `/_local/outbox`. */
export class SmsOutbox implements SmsPort {
  readonly sent: SentSms[] = [];

  constructor(private readonly clock: Clock) {}

  async send(to: string, body: string): Promise<void> {
    this.sent.push({ to, body, at: this.clock.now().toISOString() });
  }

  clear(): void {
    this.sent.length = 0;
  }
}

/** Mail as aws-ses-v2-local stored it, in the outbox shape. */
export async function sentEmail(sesUrl: string) {
  const response = await fetch(`${sesUrl}/store`);
  const { emails } = (await response.json()) as {
    emails: { destination: { to: string[] }; subject: string; body: { text?: string; html?: string }; at: number }[];
  };
  return emails.map((e) => ({
    to: e.destination.to,
    subject: e.subject,
    text: e.body.text ?? '',
    html: e.body.html ?? '',
    at: new Date(e.at * 1000).toISOString(),
  }));
}
