import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { settingsFromContext } from '../../infra/settings.js';
import { cdkContext, flat, resourcesOf, synthMedreview } from './synth.js';

const { statefulTemplate: t, statelessTemplate: stateless } = synthMedreview();
const idOf = (type: string, prefix: string, template = t): string => {
  const id = Object.keys(resourcesOf(template, type)).find((k) => k.startsWith(prefix));
  if (!id) throw new Error(`no ${type} ${prefix}`);
  return id;
};
const bucketId = idOf('AWS::S3::Bucket', 'DocumentsBucket');
const bucket = resourcesOf(t, 'AWS::S3::Bucket')[bucketId]!;
const keyId = idOf('AWS::KMS::Key', 'DocumentsKey');
const scanRoleId = idOf('AWS::IAM::Role', 'DocumentsScanRole');
const policy = Object.values(resourcesOf(t, 'AWS::S3::BucketPolicy')).find((p) => p.Properties.Bucket.Ref === bucketId)!;
const statements = policy.Properties.PolicyDocument.Statement as Record<string, any>[];
const objects = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] };
const scanRoleArn = { 'Fn::GetAtt': [scanRoleId, 'Arn'] };

describe('the documents bucket', () => {
  it('is private, TLS-only, versioned, encrypted with its own KMS key, logged and retained', () => {
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] } },
          },
        ],
      },
      LoggingConfiguration: { DestinationBucketName: { Ref: idOf('AWS::S3::Bucket', 'LogBucket') }, LogFilePrefix: 's3/documents/' },
    });
    expect([bucket.DeletionPolicy, bucket.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    // no CORS here: the stateless stack sets it, once the site's origin exists
    expect(bucket.Properties.CorsConfiguration).toBeUndefined();
  });

  it('expires the objects a closed case tagged after the retention days of the settings, their old versions a day later', () => {
    const rules = (template: typeof t) =>
      resourcesOf(template, 'AWS::S3::Bucket')[idOf('AWS::S3::Bucket', 'DocumentsBucket', template)]!.Properties.LifecycleConfiguration
        .Rules;
    const retention = {
      Id: 'closed-case-retention',
      Status: 'Enabled',
      Prefix: 'cases/',
      TagFilters: [{ Key: 'medreview-retention', Value: 'case-closed' }],
      ExpirationInDays: 30,
      NoncurrentVersionExpiration: { NoncurrentDays: 1 },
    };
    expect(rules(t)).toContainEqual(retention);
    expect(rules(synthMedreview({ documentRetentionDays: 12 }).statefulTemplate)).toContainEqual({ ...retention, ExpirationInDays: 12 });
    // no tag filter here: incomplete uploads and the versions of deleted documents go whatever the case
    expect(rules(t)).toContainEqual({
      Id: 'housekeeping',
      Status: 'Enabled',
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      NoncurrentVersionExpiration: { NoncurrentDays: 7 },
      ExpiredObjectDeleteMarker: true,
    });
    // the setting comes from CDK context like the other limits, 30 days when unset
    const context = (extra: Record<string, unknown>) => settingsFromContext(new App({ context: { ...cdkContext, ...extra } }).node);
    expect(context({ documentRetentionDays: '14' }).documentRetentionDays).toBe(14);
    expect(context({ documentRetentionDays: undefined }).documentRetentionDays).toBe(30);
    expect(() => context({ documentRetentionDays: '0' })).toThrow(/documentRetentionDays/);
  }, 60_000);

  it('denies reading any object GuardDuty has not tagged clean, to everyone but the scan role', () => {
    expect(statements).toContainEqual({
      Sid: 'NoReadExceptScannedClean',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: ['s3:GetObject', 's3:GetObjectVersion'],
      Resource: objects,
      Condition: {
        StringNotEquals: { 's3:ExistingObjectTag/GuardDutyMalwareScanStatus': 'NO_THREATS_FOUND' },
        ArnNotEquals: { 'aws:PrincipalArn': scanRoleArn },
      },
    });
  });

  it('lets nobody but the scan role write the clean verdict onto an object that does not carry it', () => {
    expect(statements).toContainEqual({
      Sid: 'OnlyScannerMarksClean',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: ['s3:PutObject', 's3:PutObjectTagging', 's3:PutObjectVersionTagging'],
      Resource: objects,
      Condition: {
        StringEquals: { 's3:RequestObjectTag/GuardDutyMalwareScanStatus': 'NO_THREATS_FOUND' },
        StringNotEquals: { 's3:ExistingObjectTag/GuardDutyMalwareScanStatus': 'NO_THREATS_FOUND' },
        ArnNotEquals: { 'aws:PrincipalArn': scanRoleArn },
      },
    });
    // nothing in the policy allows anything: access comes from each function's own role
    expect(statements.filter((s) => s.Effect === 'Allow')).toEqual([]);
  });

  it('sends its object events to EventBridge, where GuardDuty’s managed rule hears them', () => {
    expect(bucket.Properties.NotificationConfiguration).toEqual({ EventBridgeConfiguration: { EventBridgeEnabled: true } });
  });
});

describe('GuardDuty Malware Protection for S3', () => {
  it('protects the cases/ prefix of this bucket, tags each scanned object, and runs as its own role', () => {
    const plans = Object.values(resourcesOf(t, 'AWS::GuardDuty::MalwareProtectionPlan'));
    expect(plans).toHaveLength(1);
    expect(plans[0]!.Properties).toEqual({
      Role: scanRoleArn,
      ProtectedResource: { S3Bucket: { BucketName: { Ref: bucketId }, ObjectPrefixes: ['cases/'] } },
      Actions: { Tagging: { Status: 'ENABLED' } },
      Tags: [{ Key: 'app', Value: 'medreview' }],
    });
    // created after the role and its permissions, which GuardDuty checks at creation
    expect(plans[0]!.DependsOn).toEqual(expect.arrayContaining([scanRoleId]));
  });

  it('has a role only GuardDuty’s malware protection plans can assume', () => {
    const role = resourcesOf(t, 'AWS::IAM::Role')[scanRoleId]!;
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'malware-protection-plan.guardduty.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('grants the role exactly what GuardDuty documents: its managed rule, notifications, reading and tagging, the validation object, the key via S3', () => {
    const rolePolicies = Object.values(resourcesOf(t, 'AWS::IAM::Policy')).filter((p) =>
      p.Properties.Roles.some((r: any) => r.Ref === scanRoleId),
    );
    const granted = rolePolicies
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Record<string, any>[])
      .map((s) => ({ actions: [s.Action].flat().sort(), resources: [s.Resource].flat().map(flat), condition: s.Condition }));
    const rule = 'arn:aws:events:us-east-1:<AWS::AccountId>:rule/DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3*';
    const bucketArn = `<${bucketId}.Arn>`;
    expect(granted).toEqual(
      expect.arrayContaining([
        {
          actions: ['events:DeleteRule', 'events:PutRule', 'events:PutTargets', 'events:RemoveTargets'],
          resources: [rule],
          condition: { StringLike: { 'events:ManagedBy': 'malware-protection-plan.guardduty.amazonaws.com' } },
        },
        { actions: ['events:DescribeRule', 'events:ListTargetsByRule'], resources: [rule], condition: undefined },
        {
          actions: ['s3:GetBucketNotification', 's3:ListBucket', 's3:PutBucketNotification'],
          resources: [bucketArn],
          condition: undefined,
        },
        {
          actions: [
            's3:GetObject',
            's3:GetObjectTagging',
            's3:GetObjectVersion',
            's3:GetObjectVersionTagging',
            's3:PutObjectTagging',
            's3:PutObjectVersionTagging',
          ],
          resources: [`${bucketArn}/*`],
          condition: undefined,
        },
        { actions: ['s3:PutObject'], resources: [`${bucketArn}/malware-protection-resource-validation-object`], condition: undefined },
        {
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [`<${keyId}.Arn>`],
          condition: { StringLike: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
        },
      ]),
    );
    expect(granted).toHaveLength(6);
  });
});

describe('uploads from the site', () => {
  const [cors] = Object.values(resourcesOf(stateless, 'Custom::AWS')).filter((r) => flat(r.Properties.Create).includes('PutBucketCors'));

  it('sets CORS on the documents bucket for the site’s origin only, POST only, at every deploy', () => {
    const call = (phase: string) => JSON.parse(flat(cors!.Properties[phase]));
    const bucketName = '<import MedreviewStateful:ExportsOutputRefDocumentsBucket089EA6651B1BFD54>';
    for (const phase of ['Create', 'Update']) {
      expect(call(phase)).toMatchObject({
        service: 'S3',
        action: 'PutBucketCors',
        parameters: {
          Bucket: bucketName,
          CORSConfiguration: {
            CORSRules: [
              {
                AllowedOrigins: ['https://<Distribution830FAC52.DomainName>'],
                AllowedMethods: ['POST'],
                AllowedHeaders: ['*'],
                MaxAgeSeconds: 3600,
              },
            ],
          },
        },
      });
    }
    expect(call('Delete')).toEqual({ service: 'S3', action: 'DeleteBucketCors', parameters: { Bucket: bucketName } });
  });

  it('lets the CORS call change that one bucket’s CORS and nothing else', () => {
    const policy = Object.values(resourcesOf(stateless, 'AWS::IAM::Policy')).find((p) =>
      JSON.stringify(p.Properties.PolicyName).includes('DocumentsCors'),
    )!;
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: 's3:PutBucketCORS',
        Resource: { 'Fn::ImportValue': 'MedreviewStateful:ExportsOutputFnGetAttDocumentsBucket089EA665Arn9C7B4550' },
      },
    ]);
  });
});

describe('scan results', () => {
  const fns = resourcesOf(stateless, 'AWS::Lambda::Function');
  const scanFn = Object.keys(fns).find((id) => /^documentscan[0-9A-F]{8}$/.test(id))!;

  it('reach the document-scan function through an EventBridge rule for this bucket’s cases/ only', () => {
    const rules = Object.values(resourcesOf(stateless, 'AWS::Events::Rule')).filter((r) => r.Properties.EventPattern);
    expect(rules).toHaveLength(1);
    expect(rules[0]!.Properties.EventPattern).toEqual({
      source: ['aws.guardduty'],
      'detail-type': ['GuardDuty Malware Protection Object Scan Result'],
      detail: {
        s3ObjectDetails: {
          bucketName: [{ 'Fn::ImportValue': 'MedreviewStateful:ExportsOutputRefDocumentsBucket089EA6651B1BFD54' }],
          objectKey: [{ prefix: 'cases/' }],
        },
      },
    });
    const [target] = rules[0]!.Properties.Targets;
    expect(target).toMatchObject({
      Arn: { 'Fn::GetAtt': [scanFn, 'Arn'] },
      RetryPolicy: { MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: 6 * 3600 },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.stringMatching(/^documentscandlq/), 'Arn'] } },
    });
  });

  it('are handled asynchronously, with bounded retries and the dead-letter queue an alarm watches', () => {
    expect(fns[scanFn]!.Properties.DeadLetterConfig.TargetArn['Fn::GetAtt'][0]).toMatch(/^documentscandlq/);
    const invoke = Object.values(resourcesOf(stateless, 'AWS::Lambda::EventInvokeConfig')).find(
      (c) => c.Properties.FunctionName.Ref === scanFn,
    );
    expect(invoke!.Properties.MaximumRetryAttempts).toBe(2);
    const alarms = Object.values(resourcesOf(stateless, 'AWS::CloudWatch::Alarm')).map((a) =>
      flat(a.Properties.Dimensions?.[0]?.Value ?? ''),
    );
    expect(alarms.some((q) => /documentscandlq/.test(q))).toBe(true);
    // EventBridge may put what it could not deliver into that KMS-encrypted queue
    const queuePolicy = Object.values(resourcesOf(stateless, 'AWS::SQS::QueuePolicy')).find((p) =>
      JSON.stringify(p.Properties.Queues).includes('documentscandlq'),
    )!;
    expect(queuePolicy.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Allow', Action: 'sqs:SendMessage', Principal: { Service: 'events.amazonaws.com' } }),
    );
    const keyPolicy = Object.values(resourcesOf(t, 'AWS::KMS::Key')).find((k) => k.Properties.Description === 'medreview data key')!;
    expect(keyPolicy.Properties.KeyPolicy.Statement).toContainEqual(
      expect.objectContaining({
        Principal: { Service: expect.arrayContaining(['events.amazonaws.com']) },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      }),
    );
  });
});

describe('the documents port', () => {
  const fns = resourcesOf(stateless, 'AWS::Lambda::Function');
  const fnId = (name: string) => Object.keys(fns).find((id) => new RegExp(`^${name.replace('-', '')}[0-9A-F]{8}$`).test(id))!;
  const statementsOf = (name: string) =>
    Object.values(resourcesOf(stateless, 'AWS::IAM::Policy'))
      .filter((p) => p.Properties.Roles.some((r: any) => r.Ref === fns[fnId(name)]!.Properties.Role['Fn::GetAtt'][0]))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Record<string, any>[]);
  const bucketArn = '<import MedreviewStateful:ExportsOutputFnGetAttDocumentsBucket089EA665Arn9C7B4550>';
  const documentsKey = '<import MedreviewStateful:ExportsOutputFnGetAttDocumentsKey';
  const s3Grants = (name: string) =>
    statementsOf(name)
      .filter((s) => [s.Action].flat().some((a: string) => a.startsWith('s3:')))
      .map((s) => ({ actions: [s.Action].flat().sort(), resources: [s.Resource].flat().map(flat), condition: s.Condition }));
  const keyGrants = (name: string) =>
    statementsOf(name)
      .filter((s) => [s.Resource].flat().some((r) => flat(r).startsWith(documentsKey)))
      .map((s) => ({ actions: [s.Action].flat().sort(), condition: s.Condition }));
  const viaS3 = { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } };
  const listCases = { actions: ['s3:ListBucket'], resources: [bucketArn], condition: { StringLike: { 's3:prefix': 'cases/*' } } };

  it('grants each function what it declares, on cases/* only, and the documents key only through S3', () => {
    expect(s3Grants('documents')).toEqual([
      { actions: ['s3:GetObject', 's3:PutObject'], resources: [`${bucketArn}/cases/*`], condition: undefined },
    ]);
    expect(keyGrants('documents')).toEqual([{ actions: ['kms:Decrypt', 'kms:GenerateDataKey'], condition: viaS3 }]);
    expect(s3Grants('document-scan')).toEqual([
      {
        actions: ['s3:DeleteObject', 's3:GetObject', 's3:GetObjectTagging', 's3:PutObjectTagging'],
        resources: [`${bucketArn}/cases/*`],
        condition: undefined,
      },
      listCases,
    ]);
    expect(keyGrants('document-scan')).toEqual([{ actions: ['kms:Decrypt'], condition: viaS3 }]);
    expect(s3Grants('staff')).toEqual([
      { actions: ['s3:GetObjectTagging', 's3:PutObjectTagging'], resources: [`${bucketArn}/cases/*`], condition: undefined },
      listCases,
    ]);
    // tagging needs no key
    expect(keyGrants('staff')).toEqual([]);
    for (const other of ['intake', 'offers', 'portal', 'dispatcher', 'timer', 'sweeper']) {
      expect(s3Grants(other), other).toEqual([]);
      expect(keyGrants(other), other).toEqual([]);
    }
  });

  it('names the bucket to the functions that declare the port, and the retention days from the settings to all', () => {
    for (const [id, f] of Object.entries(fns).filter(([k]) => !k.startsWith('AWS679f53fac'))) {
      const vars = f.Properties.Environment.Variables;
      expect(vars.DOCUMENT_RETENTION_DAYS, id).toBe('30');
      const declares = [fnId('documents'), fnId('document-scan'), fnId('staff')].includes(id);
      expect(vars.DOCUMENTS_BUCKET === undefined, id).toBe(!declares);
      if (declares) expect(flat(vars.DOCUMENTS_BUCKET)).toBe('<import MedreviewStateful:ExportsOutputRefDocumentsBucket089EA6651B1BFD54>');
    }
  });
});
