import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Clock, Email, EmailPort, SmsPort } from '../shared/ports.js';

export interface SentSms {
  to: string;
  body: string;
  at: string;
}

export interface SentEmail extends Email {
  at: string;
}

/**
 * A list kept in a file of one JSON line per entry (in `.local/`), so it survives a restart, even a
 * `kill -9`: each entry is appended as it happens. Without a file it lives in memory only.
 */
export class Journal<T> {
  readonly entries: T[] = [];

  constructor(private readonly file?: string) {
    if (!file || !existsSync(file)) return;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      // a line cut short by a kill is the one entry not yet written; it is skipped
      if (!line) continue;
      try {
        this.entries.push(JSON.parse(line) as T);
      } catch {}
    }
  }

  append(entry: T): void {
    this.entries.push(entry);
    if (this.file) appendFileSync(this.file, `${JSON.stringify(entry)}\n`);
  }

  clear(): void {
    this.entries.length = 0;
    if (this.file) writeFileSync(this.file, '');
  }
}

/** The local SMS sink behind the SMS port: every message lands here and in `/_local/outbox`. */
export class SmsOutbox implements SmsPort {
  private readonly journal: Journal<SentSms>;
  /** Every SMS since start, across resets (the tests scan it for PHI). */
  readonly history: SentSms[] = [];

  constructor(
    private readonly clock: Clock,
    file?: string,
  ) {
    this.journal = new Journal(file);
  }

  /** What `/_local/outbox` lists: every SMS since the last reset, kept across restarts. */
  get sent(): SentSms[] {
    return this.journal.entries;
  }

  async send(to: string, body: string): Promise<void> {
    const sms = { to, body, at: this.clock.now().toISOString() };
    this.journal.append(sms);
    this.history.push(sms);
  }

  clear(): void {
    this.journal.clear();
  }
}

/**
 * The local email port: sends through aws-ses-v2-local (whose inbox page shows the mail) and keeps each
 * sent email with the app clock's time, so outbox times agree with the SMS ones after the clock was
 * advanced, and the outbox survives a restart.
 */
export class TimedEmail implements EmailPort {
  private readonly journal: Journal<SentEmail>;
  /** Every email since start, across resets (the tests scan it for PHI). */
  readonly history: Email[] = [];

  constructor(
    private readonly inner: EmailPort,
    private readonly clock: Clock,
    file?: string,
  ) {
    this.journal = new Journal(file);
  }

  /** What `/_local/outbox` lists: every email since the last reset, kept across restarts. */
  get sent(): SentEmail[] {
    return this.journal.entries;
  }

  async send(email: Email): Promise<void> {
    await this.inner.send(email);
    this.journal.append({ to: email.to, subject: email.subject, text: email.text, html: email.html, at: this.clock.now().toISOString() });
    this.history.push(email);
  }

  clear(): void {
    this.journal.clear();
  }
}
