import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { config, type Config } from './config.js';
import { SesEmail } from './email/ses.js';
import { KmsKeyedHash } from './hash/kms.js';
import { guardedPorts } from './messaging.js';
import { systemClock, type Clock, type EmailPort, type KeyedHashPort, type SchedulerPort, type SmsPort } from './ports.js';
import { EventBridgeScheduler } from './scheduler/eventbridge.js';
import { EndUserMessagingSms } from './sms/end-user-messaging.js';
import { Store } from './store/store.js';

/** Everything a handler needs, built once per cold start (or handed in by the local runtime and tests). */
export interface Deps {
  config: Config;
  store: Store;
  email: EmailPort;
  sms: SmsPort;
  scheduler: SchedulerPort;
  clock: Clock;
  /** Hashes A-numbers for the duplicate index. */
  keyedHash: KeyedHashPort;
  idempotency: DynamoDBPersistenceLayer;
}

let current: Deps | undefined;

export function deps(): Deps {
  current ??= awsDeps(config());
  return current;
}

/** Replaces the adapters (local runtime, tests). */
export function useDeps(next: Deps): void {
  current = next;
}

export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

function awsDeps(cfg: Config): Deps {
  const dynamo = new DynamoDBClient({});
  const store = new Store(documentClient(dynamo), cfg.TABLE_NAME);
  return {
    config: cfg,
    store,
    ...guardedPorts(
      new SesEmail(new SESv2Client({}), cfg.MAIL_FROM, cfg.SES_CONFIGURATION_SET),
      new EndUserMessagingSms(new PinpointSMSVoiceV2Client({}), cfg.SMS_ORIGINATION_IDENTITY, cfg.SMS_CONFIGURATION_SET),
      store,
    ),
    scheduler: new EventBridgeScheduler(new SchedulerClient({}), {
      group: cfg.SCHEDULE_GROUP,
      targetArn: cfg.SCHEDULE_TARGET_ARN,
      roleArn: cfg.SCHEDULER_ROLE_ARN,
      deadLetterArn: cfg.SCHEDULE_DLQ_ARN,
    }),
    clock: systemClock,
    keyedHash: lazyKeyedHash(cfg),
    idempotency: new DynamoDBPersistenceLayer({ tableName: cfg.IDEMPOTENCY_TABLE_NAME, awsSdkV3Client: dynamo }),
  };
}

/** The KMS client is made on first use: functions that never hash an A-number never build it. */
function lazyKeyedHash(cfg: Config): KeyedHashPort {
  let kms: KmsKeyedHash | undefined;
  return {
    hash(value) {
      if (!cfg.A_NUMBER_KEY_ID) throw new Error('A_NUMBER_KEY_ID is not configured for this function');
      kms ??= new KmsKeyedHash(new KMSClient({}), cfg.A_NUMBER_KEY_ID);
      return kms.hash(value);
    },
  };
}

/** What use cases take: every port but the idempotency store. */
export type Ports = Omit<Deps, 'idempotency'>;
