import { PinpointSMSVoiceV2Client, SendTextMessageCommand } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { requireStore, type Adapter } from '../deps.js';
import { guardSms } from '../messaging.js';
import type { SmsPort } from '../ports.js';

/** Sends through AWS End User Messaging SMS; its opt-out list drops sends to numbers that replied STOP. */
export class EndUserMessagingSms implements SmsPort {
  constructor(
    private readonly client: PinpointSMSVoiceV2Client,
    private readonly originationIdentity?: string,
    private readonly configurationSet?: string,
  ) {}

  async send(to: string, body: string): Promise<void> {
    await this.client.send(
      new SendTextMessageCommand({
        DestinationPhoneNumber: to,
        MessageBody: body,
        MessageType: 'TRANSACTIONAL',
        OriginationIdentity: this.originationIdentity,
        ConfigurationSetName: this.configurationSet,
      }),
    );
  }
}

/** The `sms` port: End User Messaging SMS, guarded against numbers that opted out or failed for good. */
export const endUserMessagingSms: Adapter<'sms'> = (cfg, built) =>
  guardSms(
    new EndUserMessagingSms(new PinpointSMSVoiceV2Client({}), cfg.SMS_ORIGINATION_IDENTITY, cfg.SMS_CONFIGURATION_SET),
    requireStore(built, 'sms'),
  );
