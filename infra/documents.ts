import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as guardduty from 'aws-cdk-lib/aws-guardduty';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeDefaultPolicy, wildcardFinding } from './function.js';

/** Where every case's objects live (`cases/<referralId>/<documentId>`): the grants, the scan and retention cover only this. */
export const DOCUMENTS_PREFIX = 'cases/';
/** The tag GuardDuty writes on each scanned object, and the one value under which the object may be read. */
export const SCAN_STATUS_TAG = 'GuardDutyMalwareScanStatus';
export const SCAN_CLEAN = 'NO_THREATS_FOUND';
/** The tag closing a case sets on its objects (the documents use case writes it; the lifecycle rule reads it). */
export const RETENTION_TAG = { key: 'medreview-retention', value: 'case-closed' } as const;
/** The service that assumes the plan's role. */
export const MALWARE_PLAN_SERVICE = 'malware-protection-plan.guardduty.amazonaws.com';

export interface CaseDocumentsProps {
  /** The access-log bucket (SSE-S3: server access logs cannot be delivered to an SSE-KMS bucket). */
  readonly logBucket: s3.IBucket;
  /** Days a closed case's objects are kept once tagged. */
  readonly retentionDays: number;
}

/**
 * The case documents: a KMS-encrypted, versioned, private bucket; GuardDuty Malware Protection for S3 scans
 * every new object under `cases/` and tags it with the result; the bucket policy lets nobody but GuardDuty's
 * role read an object whose tag is not `NO_THREATS_FOUND`, so not even a bug in a function can hand out an
 * unscanned or infected file. CORS is set by the stateless stack, which knows the site's origin.
 */
export class CaseDocuments extends Construct {
  readonly key: kms.Key;
  readonly bucket: s3.Bucket;
  /** The role GuardDuty assumes to scan and tag objects: the only principal that reads unscanned objects. */
  readonly scanRole: iam.Role;
  readonly plan: guardduty.CfnMalwareProtectionPlan;

  constructor(scope: Construct, id: string, props: CaseDocumentsProps) {
    super(scope, id);
    const stack = Stack.of(this);

    // its own key: the scan role may decrypt documents, never the table
    this.key = new kms.Key(this, 'Key', {
      description: 'medreview case documents key',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      serverAccessLogsBucket: props.logBucket,
      serverAccessLogsPrefix: 's3/documents/',
      lifecycleRules: [
        {
          // a closed case's objects (tagged at close) go after the retention period, their old versions a day later
          id: 'closed-case-retention',
          prefix: DOCUMENTS_PREFIX,
          tagFilters: { [RETENTION_TAG.key]: RETENTION_TAG.value },
          expiration: Duration.days(props.retentionDays),
          noncurrentVersionExpiration: Duration.days(1),
        },
        {
          // a deleted document (rejected by the scan, or removed) stays recoverable for a week, then goes for good
          id: 'housekeeping',
          noncurrentVersionExpiration: Duration.days(7),
          expiredObjectDeleteMarker: true,
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // GuardDuty turns the bucket's EventBridge notifications on for its managed rule; declaring them here keeps
    // CloudFormation in agreement (CDK's eventBridgeEnabled would add a custom-resource function to do the same)
    (this.bucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
    Validations.of(this.bucket).acknowledge({
      id: 'HIPAA.Security-S3BucketReplicationEnabled',
      reason:
        'Single-Region deployment; documents are working copies kept only until the case closes plus the retention period, and are versioned against deletion.',
    });

    this.scanRole = new iam.Role(this, 'ScanRole', {
      description: 'Assumed by GuardDuty Malware Protection for S3 to scan and tag case documents',
      assumedBy: new iam.ServicePrincipal(MALWARE_PLAN_SERVICE),
    });
    this.grantScan(stack);

    // ---- nothing is readable until GuardDuty has tagged it clean (the scan role itself excepted: it must read to scan) ----
    const exceptScanner = { ArnNotEquals: { 'aws:PrincipalArn': this.scanRole.roleArn } };
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'NoReadExceptScannedClean',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: [this.bucket.arnForObjects('*')],
        conditions: { StringNotEquals: { [`s3:ExistingObjectTag/${SCAN_STATUS_TAG}`]: SCAN_CLEAN }, ...exceptScanner },
      }),
    );
    // ...and nobody else may write the clean verdict onto an object that does not already carry it (tagging
    // rewrites the whole tag set, so re-sending the tag an object already has stays allowed)
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OnlyScannerMarksClean',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:PutObject', 's3:PutObjectTagging', 's3:PutObjectVersionTagging'],
        resources: [this.bucket.arnForObjects('*')],
        conditions: {
          StringEquals: { [`s3:RequestObjectTag/${SCAN_STATUS_TAG}`]: SCAN_CLEAN },
          StringNotEquals: { [`s3:ExistingObjectTag/${SCAN_STATUS_TAG}`]: SCAN_CLEAN },
          ...exceptScanner,
        },
      }),
    );

    this.plan = new guardduty.CfnMalwareProtectionPlan(this, 'MalwareProtectionPlan', {
      role: this.scanRole.roleArn,
      protectedResource: { s3Bucket: { bucketName: this.bucket.bucketName, objectPrefixes: [DOCUMENTS_PREFIX] } },
      actions: { tagging: { status: 'ENABLED' } },
    });
    // GuardDuty checks the role's permissions when the plan is created
    this.plan.node.addDependency(this.scanRole);
  }

  /** The plan role's permissions, as GuardDuty documents them for a protected bucket with tagging and a KMS key. */
  private grantScan(stack: Stack): void {
    const role = this.scanRole;
    const managedRule = stack.formatArn({
      service: 'events',
      resource: 'rule',
      resourceName: 'DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3*',
    });
    const objects = this.bucket.arnForObjects('*');
    const statements = [
      // GuardDuty's own EventBridge rule that hears the bucket's object-created events
      new iam.PolicyStatement({
        actions: ['events:PutRule', 'events:DeleteRule', 'events:PutTargets', 'events:RemoveTargets'],
        resources: [managedRule],
        conditions: { StringLike: { 'events:ManagedBy': MALWARE_PLAN_SERVICE } },
      }),
      new iam.PolicyStatement({ actions: ['events:DescribeRule', 'events:ListTargetsByRule'], resources: [managedRule] }),
      new iam.PolicyStatement({
        actions: ['s3:PutBucketNotification', 's3:GetBucketNotification', 's3:ListBucket'],
        resources: [this.bucket.bucketArn],
      }),
      new iam.PolicyStatement({
        actions: [
          's3:GetObject',
          's3:GetObjectVersion',
          's3:GetObjectTagging',
          's3:GetObjectVersionTagging',
          's3:PutObjectTagging',
          's3:PutObjectVersionTagging',
        ],
        resources: [objects],
      }),
      // the object GuardDuty writes to check that it can reach the bucket
      new iam.PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects('malware-protection-resource-validation-object')],
      }),
      new iam.PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [this.key.keyArn],
        conditions: { StringLike: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } },
      }),
    ];
    for (const s of statements) role.addToPolicy(s);
    acknowledgeDefaultPolicy(role);
    const why =
      'The permissions GuardDuty documents for a Malware Protection plan role: it scans and tags any new object of this one bucket, and manages only its own DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3 rule.';
    for (const arn of [objects, managedRule]) Validations.of(role).acknowledge({ id: wildcardFinding(role, arn), reason: why });
  }
}
