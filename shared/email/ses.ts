import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { requireStore, type Adapter } from '../deps.js';
import { guardEmail } from '../messaging.js';
import type { Email, EmailPort } from '../ports.js';

/** Sends through SES v2 with the configuration set that requires TLS. */
export class SesEmail implements EmailPort {
  constructor(
    private readonly client: SESv2Client,
    private readonly from: string,
    private readonly configurationSet?: string,
  ) {}

  async send(email: Email): Promise<void> {
    await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: this.from,
        Destination: { ToAddresses: email.to },
        ConfigurationSetName: this.configurationSet,
        Content: {
          Simple: {
            Subject: { Data: email.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
          },
        },
      }),
    );
  }
}

/** The `email` port: SES, guarded against unusable addresses. */
export const sesEmail: Adapter<'email'> = (cfg, built) =>
  guardEmail(new SesEmail(new SESv2Client({}), cfg.MAIL_FROM, cfg.SES_CONFIGURATION_SET), requireStore(built, 'email'));
