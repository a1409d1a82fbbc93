import { describe, it, expect, beforeEach } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { PinpointSMSVoiceV2Client, SendTextMessageCommand } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { EventBridgeScheduler } from '../../shared/scheduler/eventbridge.js';
import { SesEmail } from '../../shared/email/ses.js';
import { EndUserMessagingSms } from '../../shared/sms/end-user-messaging.js';
import { GenerateMacCommand, KMSClient } from '@aws-sdk/client-kms';
import { KmsKeyedHash } from '../../shared/hash/kms.js';

describe('EventBridge Scheduler adapter', () => {
  const scheduler = mockClient(SchedulerClient);
  const adapter = new EventBridgeScheduler(new SchedulerClient({ region: 'us-east-1' }), {
    group: 'medreview',
    targetArn: 'arn:aws:lambda:us-east-1:1:function:timer',
    roleArn: 'arn:aws:iam::1:role/scheduler',
    deadLetterArn: 'arn:aws:sqs:us-east-1:1:dlq',
  });
  beforeEach(() => scheduler.reset());

  it('creates a one-time at() schedule that deletes itself, with retries and a DLQ', async () => {
    scheduler.on(CreateScheduleCommand).resolves({});

    await adapter.create('wave2-MR-7K3M9QXT', new Date('2026-11-28T10:15:30.123Z'), { kind: 'wave', referralId: 'MR-7K3M9QXT', wave: 2 });

    const input = scheduler.commandCalls(CreateScheduleCommand)[0].args[0].input;
    expect(input).toMatchObject({
      Name: 'wave2-MR-7K3M9QXT',
      GroupName: 'medreview',
      ScheduleExpression: 'at(2026-11-28T10:15:30)',
      ScheduleExpressionTimezone: 'UTC',
      ActionAfterCompletion: 'DELETE',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: 'arn:aws:lambda:us-east-1:1:function:timer',
        RoleArn: 'arn:aws:iam::1:role/scheduler',
        DeadLetterConfig: { Arn: 'arn:aws:sqs:us-east-1:1:dlq' },
        RetryPolicy: { MaximumRetryAttempts: 20, MaximumEventAgeInSeconds: 3600 },
      },
    });
    expect(JSON.parse(input.Target!.Input!)).toEqual({ kind: 'wave', referralId: 'MR-7K3M9QXT', wave: 2 });
  });

  it('leaves a schedule of the same name as it is (recording twice creates nothing new)', async () => {
    scheduler.on(CreateScheduleCommand).rejects(new ConflictException({ message: 'exists', Message: 'exists', $metadata: {} }));

    await expect(
      adapter.create('rem-day1_coordinator-MR-7K3M9QXT', new Date(), {
        kind: 'reminder',
        referralId: 'MR-7K3M9QXT',
        step: 'day1_coordinator',
      }),
    ).resolves.toBeUndefined();
  });

  it('treats deleting a schedule that already fired as done, and passes other errors on', async () => {
    scheduler
      .on(DeleteScheduleCommand)
      .rejectsOnce(new ResourceNotFoundException({ message: 'gone', Message: 'gone', $metadata: {} }))
      .rejectsOnce(new Error('throttled'));

    await expect(adapter.delete('wave2-MR-7K3M9QXT')).resolves.toBeUndefined();
    await expect(adapter.delete('wave2-MR-7K3M9QXT')).rejects.toThrow('throttled');
  });
});

describe('SES adapter', () => {
  it('sends through the TLS-requiring configuration set with text and HTML parts', async () => {
    const ses = mockClient(SESv2Client);
    ses.on(SendEmailCommand).resolves({ MessageId: '1' });

    await new SesEmail(new SESv2Client({ region: 'us-east-1' }), 'cases@example.org', 'medreview').send({
      to: ['a@example.org'],
      subject: 'S',
      text: 'T',
      html: '<p>T</p>',
    });

    expect(ses.commandCalls(SendEmailCommand)[0].args[0].input).toMatchObject({
      FromEmailAddress: 'cases@example.org',
      ConfigurationSetName: 'medreview',
      Destination: { ToAddresses: ['a@example.org'] },
      Content: { Simple: { Subject: { Data: 'S' }, Body: { Text: { Data: 'T' }, Html: { Data: '<p>T</p>' } } } },
    });
  });
});

describe('End User Messaging SMS adapter', () => {
  it('sends a transactional text from the origination identity with the configuration set', async () => {
    const sms = mockClient(PinpointSMSVoiceV2Client);
    sms.on(SendTextMessageCommand).resolves({ MessageId: '1' });

    await new EndUserMessagingSms(new PinpointSMSVoiceV2Client({ region: 'us-east-1' }), '+15125550000', 'medreview').send(
      '+15125550101',
      'hello',
    );

    expect(sms.commandCalls(SendTextMessageCommand)[0].args[0].input).toEqual({
      DestinationPhoneNumber: '+15125550101',
      MessageBody: 'hello',
      MessageType: 'TRANSACTIONAL',
      OriginationIdentity: '+15125550000',
      ConfigurationSetName: 'medreview',
    });
  });
});

describe('KMS keyed hash adapter', () => {
  const kms = mockClient(KMSClient);
  const adapter = new KmsKeyedHash(new KMSClient({ region: 'us-east-1' }), 'arn:aws:kms:us-east-1:1:key/hmac');
  beforeEach(() => kms.reset());

  it('asks KMS for an HMAC-SHA-256 of the value with the HMAC key and answers it in hex', async () => {
    kms.on(GenerateMacCommand).resolves({ Mac: new Uint8Array([0xab, 0x01, 0xff]) });

    expect(await adapter.hash('123456789')).toBe('ab01ff');

    const input = kms.commandCalls(GenerateMacCommand)[0].args[0].input;
    expect(input).toMatchObject({ KeyId: 'arn:aws:kms:us-east-1:1:key/hmac', MacAlgorithm: 'HMAC_SHA_256' });
    expect(new TextDecoder().decode(input.Message)).toBe('123456789');
  });
});
