import { PinpointSMSVoiceV2Client, SendTextMessageCommand } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import type { SmsPort } from '../ports.js';

/** Sends through AWS End User Messaging SMS; its opt-out list drops sends to numbers that replied STOP. */
export class EndUserMessagingSms implements SmsPort {
  constructor(
    private readonly client: PinpointSMSVoiceV2Client,
    private readonly originationIdentity?: string,
    private readonly configurationSet?: string,
  ) {}

  async send(to: string, body: string): Promise<void> {
    await this.client.send(new SendTextMessageCommand({
      DestinationPhoneNumber: to,
      MessageBody: body,
      MessageType: 'TRANSACTIONAL',
      OriginationIdentity: this.originationIdentity,
      ConfigurationSetName: this.configurationSet,
    }));
  }
}
