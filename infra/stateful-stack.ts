import { Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CaseDocuments } from './documents.js';
import { allowLogsToUseKey } from './keys.js';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as smsvoice from 'aws-cdk-lib/aws-smsvoice';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { getCountries } from 'libphonenumber-js';
import { COUNTRY_CODES } from '../shared/domain/codes.js';
import {
  ATTORNEY_INDEX,
  CASE_LIST_FIELDS,
  DOCTOR_INDEX,
  DUE_INDEX,
  LOAD_INDEX,
  SUMMARY_FIELDS,
  URGENT_OPEN_INDEX,
} from '../shared/store/items.js';

/** Long-lived data and account-level configuration; everything here is RETAINed or cheap to keep. */
export class StatefulStack extends Stack {
  readonly key: kms.Key;
  /** HMAC key for the A-number index: the hash is computed inside KMS, the key never leaves it. */
  readonly aNumberKey: kms.Key;
  readonly table: dynamodb.Table;
  readonly idempotencyTable: dynamodb.Table;
  readonly sesConfigurationSet: ses.ConfigurationSet;
  readonly sesEventsTopic: sns.Topic;
  readonly smsConfigurationSet: smsvoice.CfnConfigurationSet;
  readonly smsProtectConfiguration: smsvoice.CfnProtectConfiguration;
  readonly smsOptOutList: smsvoice.CfnOptOutList;
  readonly smsEventsTopic: sns.Topic;
  readonly inboundSmsTopic: sns.Topic;
  readonly scheduleGroup: scheduler.ScheduleGroup;
  readonly schedulerDlq: sqs.Queue;
  readonly userPool: cognito.UserPool;
  readonly userPoolClient: cognito.UserPoolClient;
  /** Attorneys and doctors: self sign-up with a verified email, passwordless (email code, passkeys). */
  readonly externalPool: cognito.UserPool;
  /** S3 server access logs and CloudFront standard logs of every bucket and the distribution. */
  readonly logBucket: s3.Bucket;
  /** The case documents' bucket, its key and its malware scan. */
  readonly documents: CaseDocuments;

  constructor(scope: Construct, id: string, props: StackProps & { mailFrom: string; documentRetentionDays: number }) {
    super(scope, id, props);

    this.key = new kms.Key(this, 'Key', {
      description: 'medreview data key',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Services that write into resources encrypted with this key (log groups, SNS topics, EventBridge into a DLQ).
    allowLogsToUseKey(this.key);
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: ['ses.amazonaws.com', 'sms-voice.amazonaws.com', 'cloudwatch.amazonaws.com', 'events.amazonaws.com'].map(
          (s) => new iam.ServicePrincipal(s),
        ),
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );

    const tableDefaults = {
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    };
    this.table = new dynamodb.Table(this, 'Table', {
      ...tableDefaults,
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: 'ttl',
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
    });
    // the same indexes as local/dynamo.ts; shared/store/items.ts (caseIndexes) says what each holds
    this.table.addGlobalSecondaryIndex({
      indexName: 'gsi1',
      partitionKey: { name: 'gsi1pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'gsi1sk', type: dynamodb.AttributeType.STRING },
    });
    this.table.addGlobalSecondaryIndex({
      indexName: 'cases',
      partitionKey: { name: 'casesPk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'casesSk', type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.INCLUDE,
      nonKeyAttributes: CASE_LIST_FIELDS,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: DUE_INDEX,
      partitionKey: { name: 'duePk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sweepAt', type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.KEYS_ONLY,
    });
    // Open assigned cases, each with its doctor only: a doctor's load is counted without reading cases
    this.table.addGlobalSecondaryIndex({
      indexName: LOAD_INDEX,
      partitionKey: { name: 'loadPk', type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.INCLUDE,
      nonKeyAttributes: ['assignedDoctorId'],
    });
    // Cases by a keyed hash (HMAC) of the normalized A-number: duplicates and the staff filter, never a
    // scan and never the A-number itself in a key. Projects the case summary only, no referral content.
    this.table.addGlobalSecondaryIndex({
      indexName: 'gsi2',
      partitionKey: { name: 'gsi2pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'gsi2sk', type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.INCLUDE,
      nonKeyAttributes: [...SUMMARY_FIELDS],
    });
    // Urgent cases that still need a doctor (paging, escalated, held), read oldest first: sparse, an item
    // is in it only while it has both keys (the status sets `openPk`, an urgent case has `urgentSk`).
    this.table.addGlobalSecondaryIndex({
      indexName: URGENT_OPEN_INDEX.name,
      partitionKey: { name: URGENT_OPEN_INDEX.pk, type: dynamodb.AttributeType.STRING },
      sortKey: { name: URGENT_OPEN_INDEX.sk, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.INCLUDE,
      nonKeyAttributes: CASE_LIST_FIELDS,
    });
    // The people's indexes: a case under its attorney (the submitter's email) and, once accepted, under its doctor
    // (sparse), newest first; the attorney's and the doctor's pages list their cases from them, list fields only.
    // DynamoDB adds one index per table update: a deployed table takes these two in two deploys (docs/operations.md).
    for (const [indexName, pk] of [
      [ATTORNEY_INDEX, 'attorneyPk'],
      [DOCTOR_INDEX, 'doctorPk'],
    ] as const) {
      this.table.addGlobalSecondaryIndex({
        indexName,
        partitionKey: { name: pk, type: dynamodb.AttributeType.STRING },
        sortKey: { name: 'casesSk', type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.INCLUDE,
        nonKeyAttributes: CASE_LIST_FIELDS,
      });
    }
    this.aNumberKey = new kms.Key(this, 'ANumberKey', {
      description: 'medreview A-number index HMAC key (GenerateMac only)',
      keySpec: kms.KeySpec.HMAC_256,
      keyUsage: kms.KeyUsage.GENERATE_VERIFY_MAC,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.aNumberKey).acknowledge({
      id: 'AwsSolutions-KMS5',
      reason: 'KMS does not rotate HMAC keys; rotating by hand would also require re-hashing every indexed A-number.',
    });
    this.idempotencyTable = new dynamodb.Table(this, 'IdempotencyTable', {
      ...tableDefaults,
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: 'expiration',
    });

    const vault = new backup.BackupVault(this, 'BackupVault', {
      encryptionKey: this.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const plan = new backup.BackupPlan(this, 'BackupPlan', {
      backupVault: vault,
      backupPlanRules: [
        new backup.BackupPlanRule({
          ruleName: 'daily35',
          scheduleExpression: events.Schedule.cron({ hour: '7', minute: '0' }),
          deleteAfter: Duration.days(35),
        }),
      ],
    });
    const selection = plan.addSelection('Tables', {
      resources: [backup.BackupResource.fromDynamoDbTable(this.table), backup.BackupResource.fromDynamoDbTable(this.idempotencyTable)],
    });
    Validations.of(selection).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      reason: 'AWS Backup needs its service-role policy to snapshot the tables; it is the documented role for backup selections.',
    });

    const topic = (id: string) => new sns.Topic(this, id, { masterKey: this.key, enforceSSL: true });
    this.sesEventsTopic = topic('SesEvents');
    this.smsEventsTopic = topic('SmsEvents');
    this.inboundSmsTopic = topic('InboundSms');
    for (const t of [this.smsEventsTopic, this.inboundSmsTopic]) {
      t.addToResourcePolicy(
        new iam.PolicyStatement({
          principals: [new iam.ServicePrincipal('sms-voice.amazonaws.com')],
          actions: ['sns:Publish'],
          resources: [t.topicArn],
          conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
        }),
      );
    }

    // Email: TLS required, bounces and complaints suppressed and published for the delivery-events function.
    this.sesConfigurationSet = new ses.ConfigurationSet(this, 'SesConfigurationSet', {
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      reputationMetrics: true,
    });
    this.sesConfigurationSet.addEventDestination('BounceComplaint', {
      destination: ses.EventDestination.snsTopic(this.sesEventsTopic),
      events: [ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT, ses.EmailSendingEvent.REJECT],
    });

    // SMS: opt-outs (STOP) arrive as inbound messages on the two-way topic; the event destination carries failures.
    this.smsOptOutList = new smsvoice.CfnOptOutList(this, 'SmsOptOutList', {});
    // ---- SMS spend: every message goes through the configuration set, whose protect configuration lets
    // SMS reach US numbers only (doctors, coordinators and patients are all in the US; foreign and premium
    // destinations are where SMS pumping fraud costs money). Voice and MMS are never used: blocked everywhere.
    this.smsProtectConfiguration = new smsvoice.CfnProtectConfiguration(this, 'SmsProtectConfiguration', {
      countryRuleSet: {
        sms: smsDestinations().map((countryCode) => ({ countryCode, protectStatus: countryCode === 'US' ? 'ALLOW' : 'BLOCK' })),
        voice: smsDestinations().map((countryCode) => ({ countryCode, protectStatus: 'BLOCK' })),
        mms: smsDestinations().map((countryCode) => ({ countryCode, protectStatus: 'BLOCK' })),
      },
      tags: [{ key: 'Name', value: 'medreview-us-only' }],
    });
    this.smsConfigurationSet = new smsvoice.CfnConfigurationSet(this, 'SmsConfigurationSet', {
      protectConfigurationId: this.smsProtectConfiguration.attrProtectConfigurationId,
      eventDestinations: [
        {
          eventDestinationName: 'delivery-failures',
          enabled: true,
          matchingEventTypes: [
            'TEXT_BLOCKED',
            'TEXT_CARRIER_BLOCKED',
            'TEXT_CARRIER_UNREACHABLE',
            'TEXT_INVALID',
            'TEXT_UNREACHABLE',
            'TEXT_SPAM',
            'TEXT_TTL_EXPIRED',
            'TEXT_UNKNOWN',
          ],
          snsDestination: { topicArn: this.smsEventsTopic.topicArn },
        },
      ],
    });

    this.scheduleGroup = new scheduler.ScheduleGroup(this, 'ScheduleGroup', {
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.schedulerDlq = new sqs.Queue(this, 'SchedulerDlq', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.schedulerDlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the EventBridge Scheduler schedules.',
    });

    this.userPool = new cognito.UserPool(this, 'StaffPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.userPool.addGroup('Coordinators', { groupName: 'coordinators' });
    this.userPoolClient = this.userPool.addClient('StaffClient', {
      authFlows: { userSrp: true },
      disableOAuth: true,
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });

    // Attorneys and doctors: anyone may sign up, but only with an email they prove they own; who they are
    // (an approved attorney, a roster doctor) is decided by the app from that verified email, never here.
    this.externalPool = new cognito.UserPool(this, 'ExternalPool', {
      selfSignUpEnabled: true,
      signInAliases: { email: true },
      autoVerify: { email: true },
      keepOriginal: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      signInPolicy: { allowedFirstAuthFactors: { password: true, emailOtp: true, passkey: true } },
      passkeyUserVerification: cognito.PasskeyUserVerification.PREFERRED,
      mfa: cognito.Mfa.OFF,
      passwordPolicy: { minLength: 14, requireLowercase: true, requireUppercase: true, requireDigits: true, requireSymbols: true },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      // Cognito's own mailer sends too few messages a day: codes go out through the program's SES identity
      email: cognito.UserPoolEmail.withSES({ fromEmail: props.mailFrom, fromName: 'medreview', sesRegion: this.region }),
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const passwordless =
      'Sign-in is passwordless (an emailed one-time code or a passkey, each a possession factor); a second factor on top would lock attorneys at a detention center out. The account only proves an email address: what it may do is decided per request by the app (approved list, roster).';
    Validations.of(this.externalPool).acknowledge({ id: 'AwsSolutions-COG2', reason: passwordless });
    const essentials =
      'Essentials is the plan passwordless sign-in needs; threat protection (Plus) guards passwords, which no one here uses, and every referral from an account not on the approved list is held for a coordinator.';
    Validations.of(this.externalPool).acknowledge({ id: 'AwsSolutions-COG3', reason: essentials });
    Validations.of(this.externalPool).acknowledge({ id: 'AwsSolutions-COG8', reason: essentials });

    // ---------- access logs (kept here, with the data: they outlive any replacement of the stateless stack) ----------
    this.logBucket = new s3.Bucket(this, 'LogBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED, // CloudFront standard logs are written with ACLs
      lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const logBucketWhy = 'This is the access-log bucket itself; logging it into itself would loop.';
    Validations.of(this.logBucket).acknowledge({ id: 'AwsSolutions-S1', reason: logBucketWhy });
    Validations.of(this.logBucket).acknowledge({ id: 'HIPAA.Security-S3BucketLoggingEnabled', reason: logBucketWhy });
    Validations.of(this.logBucket).acknowledge({
      id: 'HIPAA.Security-S3DefaultEncryptionKMS',
      reason: 'S3 server access logging and CloudFront standard logs cannot deliver to an SSE-KMS bucket; SSE-S3 is used.',
    });
    Validations.of(this.logBucket).acknowledge({
      id: 'HIPAA.Security-S3BucketReplicationEnabled',
      reason: 'Single-Region deployment; access logs are operational data with a 1-year lifecycle.',
    });
    // The site bucket (stateless stack) logs under s3/site/; naming that bucket here would make the stacks depend
    // on each other, so S3's log delivery is held to this account instead of to the one source bucket.
    this.logBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [this.logBucket.arnForObjects('s3/site/*')],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );

    this.documents = new CaseDocuments(this, 'Documents', { logBucket: this.logBucket, retentionDays: props.documentRetentionDays });
  }
}

/** Countries and regions with telephone numbers: assigned ISO 3166-1 codes that have a numbering plan. */
export function smsDestinations(): string[] {
  const numbered = new Set<string>(getCountries());
  return [...COUNTRY_CODES].filter((c) => numbered.has(c)).sort();
}
