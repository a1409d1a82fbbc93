import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { resourcesOf, synthMedreview } from './synth.js';

const { statefulTemplate: t } = synthMedreview();
const keyArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] };

describe('stateful stack', () => {
  it('has customer-managed keys for the data and the documents with rotation on and one HMAC key for the A-number index, all retained', () => {
    t.resourceCountIs('AWS::KMS::Key', 3);
    t.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true, Description: 'medreview data key' },
      DeletionPolicy: 'Retain',
    });
    t.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true, Description: 'medreview case documents key' },
      DeletionPolicy: 'Retain',
    });
    t.hasResource('AWS::KMS::Key', { Properties: { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }, DeletionPolicy: 'Retain' });
  });

  it('keeps the main table on a stream, with PITR, the CMK, deletion protection and RETAIN', () => {
    t.hasResource('AWS::DynamoDB::Table', {
      Properties: {
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          Match.objectLike({
            IndexName: 'gsi1',
            KeySchema: [
              { AttributeName: 'gsi1pk', KeyType: 'HASH' },
              { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
            ],
          }),
          // the staff list without a filter (newest first), metrics and the CSV; list and report fields only (no PHI in it)
          Match.objectLike({
            IndexName: 'cases',
            KeySchema: [
              { AttributeName: 'casesPk', KeyType: 'HASH' },
              { AttributeName: 'casesSk', KeyType: 'RANGE' },
            ],
            Projection: {
              ProjectionType: 'INCLUDE',
              NonKeyAttributes: [
                'referralId',
                'status',
                'urgency',
                'createdAt',
                'assignedDoctorId',
                'holdReason',
                'duplicateOf',
                'reasons',
                'wave',
                'nextWaveAt',
                'deadline',
                'assignedAt',
                'closedAt',
                'outcome',
                'facilityState',
                'specialty',
                'attorneyOrganization',
              ],
            },
          }),
          // what the sweeper must look at, by due time; sparse (only cases with a sweepAt)
          Match.objectLike({
            IndexName: 'due',
            KeySchema: [
              { AttributeName: 'duePk', KeyType: 'HASH' },
              { AttributeName: 'sweepAt', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'KEYS_ONLY' },
          }),
          // open assigned cases with their doctor only: a doctor's load without reading cases; sparse
          Match.objectLike({
            IndexName: 'load',
            KeySchema: [{ AttributeName: 'loadPk', KeyType: 'HASH' }],
            Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['assignedDoctorId'] },
          }),
          Match.objectLike({
            IndexName: 'gsi2',
            KeySchema: [
              { AttributeName: 'gsi2pk', KeyType: 'HASH' },
              { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
            ],
            // the A-number index holds a keyed hash and a case summary: no referral content
            Projection: {
              ProjectionType: 'INCLUDE',
              NonKeyAttributes: ['referralId', 'status', 'urgency', 'createdAt', 'assignedDoctorId', 'holdReason', 'duplicateOf'],
            },
          }),
          // "needs a doctor now": sparse, an urgent case is in it only while paging, escalated or held
          Match.objectLike({
            IndexName: 'urgent_open',
            KeySchema: [
              { AttributeName: 'openPk', KeyType: 'HASH' },
              { AttributeName: 'urgentSk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: Match.arrayWith(['wave', 'facilityState', 'specialty']) },
          }),
          // the attorney's and the doctor's pages: a person's cases, newest first, list fields only (the doctor's sparse)
          ...[
            ['attorney', 'attorneyPk'],
            ['doctor', 'doctorPk'],
          ].map(([IndexName, pk]) =>
            Match.objectLike({
              IndexName,
              KeySchema: [
                { AttributeName: pk, KeyType: 'HASH' },
                { AttributeName: 'casesSk', KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: Match.arrayWith(['referralId', 'status', 'assignedDoctorId']) },
            }),
          ),
        ],
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: keyArn },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('gives Powertools idempotency its own encrypted, recoverable table keyed on id with TTL expiration', () => {
    t.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: keyArn },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
    });
  });

  it('backs up both tables into a KMS-encrypted vault', () => {
    const tables = Object.keys(resourcesOf(t, 'AWS::DynamoDB::Table'));
    t.hasResourceProperties('AWS::Backup::BackupVault', { EncryptionKeyArn: keyArn });
    t.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: {
        Resources: tables.map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] })),
      },
    });
  });

  it('requires TLS for email and publishes bounces and complaints to an encrypted topic', () => {
    t.hasResourceProperties('AWS::SES::ConfigurationSet', {
      DeliveryOptions: { TlsPolicy: 'REQUIRE' },
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
    });
    const [destination] = Object.values(resourcesOf(t, 'AWS::SES::ConfigurationSetEventDestination'));
    const ed = destination!.Properties.EventDestination;
    expect(ed.MatchingEventTypes).toEqual(expect.arrayContaining(['bounce', 'complaint']));
    expect(ed.SnsDestination.TopicARN.Ref).toMatch(/^SesEvents/);
  });

  it('encrypts every SNS topic with the CMK', () => {
    const topics = Object.values(resourcesOf(t, 'AWS::SNS::Topic'));
    expect(topics).toHaveLength(3);
    for (const topic of topics) expect(topic.Properties.KmsMasterKeyId['Fn::GetAtt'][0]).toMatch(/^Key/);
  });

  it('sends SMS delivery failures to a topic and keeps an opt-out list', () => {
    t.resourceCountIs('AWS::SMSVOICE::OptOutList', 1);
    t.hasResourceProperties('AWS::SMSVOICE::ConfigurationSet', {
      EventDestinations: [
        Match.objectLike({
          Enabled: true,
          MatchingEventTypes: Match.arrayWith(['TEXT_BLOCKED', 'TEXT_INVALID', 'TEXT_UNREACHABLE']),
          SnsDestination: { TopicArn: { Ref: Match.stringLikeRegexp('^SmsEvents') } },
        }),
      ],
    });
    // End User Messaging may publish to the failure topic and to the two-way inbound topic.
    for (const prefix of ['SmsEvents', 'InboundSms']) {
      t.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [{ Ref: Match.stringLikeRegexp(`^${prefix}`) }],
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Action: 'sns:Publish', Principal: { Service: 'sms-voice.amazonaws.com' } })]),
        },
      });
    }
  });

  it('creates the schedule group and a KMS-encrypted scheduler DLQ', () => {
    t.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
    t.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: keyArn });
  });

  it('lets only admins create staff users, requires MFA and a strong password', () => {
    t.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: 14,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
      UserPoolTier: 'PLUS',
    });
    t.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'coordinators' });
    t.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      AllowedOAuthFlowsUserPoolClient: false,
      GenerateSecret: Match.absent(),
      PreventUserExistenceErrors: 'ENABLED',
    });
  });
});
