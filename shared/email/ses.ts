import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import type { Email, EmailPort } from '../ports.js';

/** Sends through SES v2 with the configuration set that requires TLS. */
export class SesEmail implements EmailPort {
  constructor(
    private readonly client: SESv2Client,
    private readonly from: string,
    private readonly configurationSet?: string,
  ) {}

  async send(email: Email): Promise<void> {
    await this.client.send(new SendEmailCommand({
      FromEmailAddress: this.from,
      Destination: { ToAddresses: email.to },
      ConfigurationSetName: this.configurationSet,
      Content: {
        Simple: {
          Subject: { Data: email.subject, Charset: 'UTF-8' },
          Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
        },
      },
    }));
  }
}
