import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetHashType, Duration, type ILocalBundling, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Code, Function as LambdaFunction, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct, IConstruct } from 'constructs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { DocumentAccess, PortsDeclaration, TableAccess } from '../shared/deps.js';
import { ATTORNEY_INDEX, DOCTOR_INDEX } from '../shared/store/items.js';

export const projectRoot = fileURLToPath(new URL('..', import.meta.url));

export interface MedreviewFunctionProps {
  /** Folder under functions/ holding handler.ts; also the construct id. */
  readonly name: string;
  /** Another entry file under the project root (the benchmark's bare handler); default functions/<name>/handler.ts. */
  readonly entry?: string;
  readonly key: IKey;
  /** Variables every function gets (config.ts requires some of them at cold start). */
  readonly environment: Record<string, string>;
  readonly timeout?: Duration;
  readonly reservedConcurrency: number;
  /** Invoked asynchronously (SNS, EventBridge, Scheduler): gets a KMS-encrypted DLQ and bounded retries. */
  readonly async?: boolean;
  readonly functionName?: string;
}

/**
 * CDK's local bundling runs synchronously, and esbuild runs plugins only in its asynchronous API: the
 * function is bundled by `infra/bundle-cli.ts` in a child Node process (0.3–3 s per function); a failed
 * build fails the synth with esbuild's message.
 */
export class EsbuildBundling implements ILocalBundling {
  constructor(readonly entry: string) {}

  tryBundle(outputDir: string): boolean {
    execFileSync(process.execPath, ['--import', 'tsx', join(projectRoot, 'infra', 'bundle-cli.ts'), this.entry, outputDir], {
      cwd: projectRoot,
      stdio: 'inherit',
      timeout: 120_000,
    });
    if (!existsSync(join(outputDir, 'index.mjs'))) throw new Error(`bundling ${this.entry} wrote no index.mjs`);
    return true;
  }
}

/** The one place that holds the Lambda defaults: Node 24 on arm64, ESM bundle with the SDK inside, KMS logs. */
export class MedreviewFunction extends LambdaFunction {
  readonly dlq?: Queue;

  constructor(scope: Construct, props: MedreviewFunctionProps) {
    const entry = props.entry ?? join(projectRoot, 'functions', props.name, 'handler.ts');
    ensureEntry(entry);
    const logGroup = new LogGroup(scope, `${props.name}-logs`, {
      retention: RetentionDays.ONE_YEAR,
      encryptionKey: props.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Own role without the AWSLambdaBasicExecutionRole managed policy: log writes are granted on this log group only.
    const role = new iam.Role(scope, `${props.name}-role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    const dlq = props.async
      ? new Queue(scope, `${props.name}-dlq`, {
          encryption: QueueEncryption.KMS,
          encryptionMasterKey: props.key,
          enforceSSL: true,
          retentionPeriod: Duration.days(14),
        })
      : undefined;

    super(scope, props.name, {
      code: Code.fromAsset(projectRoot, {
        assetHashType: AssetHashType.OUTPUT,
        bundling: { image: Runtime.NODEJS_24_X.bundlingImage, local: new EsbuildBundling(entry) },
      }),
      handler: 'index.handler',
      functionName: props.functionName,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 1024,
      timeout: props.timeout ?? Duration.seconds(10),
      reservedConcurrentExecutions: props.reservedConcurrency,
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      deadLetterQueue: dlq,
      retryAttempts: props.async ? 2 : undefined,
      maxEventAge: props.async ? Duration.hours(6) : undefined,
      environment: {
        ...props.environment,
        POWERTOOLS_SERVICE_NAME: 'medreview',
        POWERTOOLS_METRICS_NAMESPACE: 'medreview',
      },
    });
    this.dlq = dlq;
    logGroup.grantWrite(role);
    acknowledgeDefaultPolicy(role);
    if (dlq) acknowledgeQueueGrant(role);

    if (!props.async) {
      Validations.of(this).acknowledge({
        id: 'HIPAA.Security-LambdaDLQ',
        reason:
          'Invoked synchronously (API Gateway) or by an event source mapping with its own on-failure destination; a function DLQ only applies to async invokes.',
      });
    }
    Validations.of(this).acknowledge({
      id: 'HIPAA.Security-LambdaInsideVPC',
      reason:
        'The function reaches only AWS public service endpoints (DynamoDB, SES, SMS, Scheduler); there is no private resource, and a VPC would add NAT cost and cold-start latency.',
    });
  }
}

/** Placeholder so synth works before the application engineers add the handler; never overwrites. */
function ensureEntry(entry: string): void {
  if (existsSync(entry)) return;
  mkdirSync(dirname(entry), { recursive: true });
  writeFileSync(entry, 'export const handler = async (): Promise<void> => {};\n', { flag: 'wx' });
}

// ---- grant-and-configure helpers: infra is the only place that names the variables of shared/config.ts ----

/** The DynamoDB actions each kind of table access of `shared/deps.ts` grants. Nothing grants Scan. */
export const TABLE_ACTIONS: Record<TableAccess, string[]> = {
  create: ['dynamodb:PutItem'],
  read: ['dynamodb:GetItem', 'dynamodb:Query'],
  // conditional writes and transactions (TransactWriteItems is authorized per item: Put, Update, ConditionCheck)
  write: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'],
  delete: ['dynamodb:DeleteItem'],
  'batch-write': ['dynamodb:BatchWriteItem'],
  // Query on that index too (with read or write): see useTable
  'cases-index': [],
  'due-index': [],
};
/** What Powertools idempotency does to its records. */
export const IDEMPOTENCY_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];
const KEY_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'];

/** The actions on the table and, for queries, its named indexes (no `index/*` wildcard), plus use of the table's key. */
function grantTable(fn: MedreviewFunction, table: ITable, actions: string[], indexes: string[], key: IKey): void {
  const queries = actions.includes('dynamodb:Query');
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions,
      resources: [table.tableArn, ...(queries ? indexes.map((i) => `${table.tableArn}/index/${i}`) : [])],
    }),
  );
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: KEY_ACTIONS, resources: [key.keyArn] }));
}

export function useTable(fn: MedreviewFunction, table: ITable, key: IKey, access: readonly TableAccess[]): void {
  fn.addEnvironment('TABLE_NAME', table.tableName);
  const actions = [...new Set(access.flatMap((a) => TABLE_ACTIONS[a]))];
  const indexes = [
    'gsi1',
    'gsi2',
    'load',
    ATTORNEY_INDEX,
    DOCTOR_INDEX,
    ...(access.includes('cases-index') ? ['cases', 'urgent_open'] : []),
    ...(access.includes('due-index') ? ['due'] : []),
  ];
  grantTable(fn, table, actions, indexes, key);
}

/** Hashing A-numbers (intake, the staff filter): GenerateMac with the one HMAC key. */
export function useANumberKey(fn: MedreviewFunction, key: IKey): void {
  fn.addEnvironment('A_NUMBER_KEY_ID', key.keyArn);
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['kms:GenerateMac'], resources: [key.keyArn] }));
}

export function useIdempotencyTable(fn: MedreviewFunction, table: ITable, key: IKey): void {
  fn.addEnvironment('IDEMPOTENCY_TABLE_NAME', table.tableName);
  grantTable(fn, table, IDEMPOTENCY_ACTIONS, [], key);
}

/** Everything a port may need from the stacks. */
export interface PortWiring {
  readonly table: ITable;
  readonly idempotencyTable: ITable;
  readonly key: IKey;
  /** The KMS HMAC key of the keyed-hash port. */
  readonly aNumberKey: IKey;
  readonly email: EmailWiring;
  readonly sms: SmsWiring;
  readonly scheduler: SchedulerWiring;
  readonly documents: DocumentsWiring;
}

/** Grants a function what its declared ports need (`functions/<name>/ports.ts`), and nothing else. */
export function usePorts(fn: MedreviewFunction, ports: PortsDeclaration, w: PortWiring): void {
  if (ports.store) useTable(fn, w.table, w.key, ports.store);
  if (ports.idempotency) useIdempotencyTable(fn, w.idempotencyTable, w.key);
  if (ports.email) useEmail(fn, w.email);
  if (ports.sms) useSms(fn, w.sms);
  if (ports.scheduler) useScheduler(fn, w.scheduler);
  if (ports.keyedHash) useANumberKey(fn, w.aNumberKey);
  if (ports.documents) useDocuments(fn, w.documents, ports.documents);
}

export interface DocumentsWiring {
  readonly bucket: IBucket;
  /** The bucket's own KMS key. */
  readonly key: IKey;
}

/**
 * What each kind of access to the documents bucket grants, on `cases/*` only. A presigned URL acts with
 * the rights of the role that signed it, so the function that signs uploads needs PutObject (and the key's
 * GenerateDataKey, S3 encrypting with it) and the one that signs downloads needs GetObject (and Decrypt); the
 * bucket policy still refuses any object GuardDuty has not tagged clean. `tag` reads an object's tags before
 * writing them back with the retention tag added (a PutObjectTagging replaces the whole set, GuardDuty's
 * verdict with it) and lists the case's prefix.
 */
export const DOCUMENT_ACTIONS: Record<DocumentAccess, { objects: string[]; key: string[] }> = {
  upload: { objects: ['s3:PutObject'], key: ['kms:GenerateDataKey'] },
  download: { objects: ['s3:GetObject'], key: ['kms:Decrypt'] },
  delete: { objects: ['s3:DeleteObject'], key: [] },
  tag: { objects: ['s3:GetObjectTagging', 's3:PutObjectTagging'], key: [] },
};

export function useDocuments(fn: MedreviewFunction, d: DocumentsWiring, access: readonly DocumentAccess[]): void {
  fn.addEnvironment('DOCUMENTS_BUCKET', d.bucket.bucketName);
  const objects = d.bucket.arnForObjects('cases/*');
  const unique = (list: string[]) => [...new Set(list)];
  fn.addToRolePolicy(
    new iam.PolicyStatement({ actions: unique(access.flatMap((a) => DOCUMENT_ACTIONS[a].objects)), resources: [objects] }),
  );
  const keyActions = unique(access.flatMap((a) => DOCUMENT_ACTIONS[a].key));
  if (keyActions.length) {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: keyActions,
        resources: [d.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(fn).region}.amazonaws.com` } },
      }),
    );
  }
  if (access.includes('tag')) {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [d.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': 'cases/*' } },
      }),
    );
  }
  acknowledgeWildcardAtSynth(
    fn.role!,
    objects,
    'Document keys are made at runtime (cases/<referralId>/<documentId>); access is limited to the cases/ prefix of the one documents bucket.',
  );
}

export interface EmailWiring {
  readonly mailFrom: string;
  readonly configurationSetName: string;
}

export function useEmail(fn: MedreviewFunction, email: EmailWiring): void {
  const stack = Stack.of(fn);
  const domain = email.mailFrom.split('@')[1] ?? email.mailFrom;
  fn.addEnvironment('MAIL_FROM', email.mailFrom);
  fn.addEnvironment('SES_CONFIGURATION_SET', email.configurationSetName);
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['ses:SendEmail'],
      resources: [
        stack.formatArn({ service: 'ses', resource: 'identity', resourceName: domain }),
        stack.formatArn({ service: 'ses', resource: 'identity', resourceName: email.mailFrom }),
        stack.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: email.configurationSetName }),
      ],
      conditions: { StringEquals: { 'ses:FromAddress': email.mailFrom } },
    }),
  );
}

export interface SmsWiring {
  /** Phone number / pool ARN, or an id or E.164 number (then the policy covers the account's numbers and pools). */
  readonly originationIdentity?: string;
  readonly configurationSetName: string;
  readonly configurationSetArn: string;
  readonly optOutListArn: string;
}

export function useSms(fn: MedreviewFunction, sms: SmsWiring): void {
  const stack = Stack.of(fn);
  fn.addEnvironment('SMS_CONFIGURATION_SET', sms.configurationSetName);
  if (sms.originationIdentity) fn.addEnvironment('SMS_ORIGINATION_IDENTITY', sms.originationIdentity);
  const identities = sms.originationIdentity?.startsWith('arn:')
    ? [sms.originationIdentity]
    : ['phone-number', 'pool'].map((resource) => stack.formatArn({ service: 'sms-voice', resource, resourceName: '*' }));
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['sms-voice:SendTextMessage'],
      resources: [...identities, sms.configurationSetArn, sms.optOutListArn],
    }),
  );
  if (!sms.originationIdentity?.startsWith('arn:')) {
    for (const arn of identities) {
      Validations.of(fn.role!).acknowledge({
        id: wildcardFinding(fn, arn),
        reason:
          "No origination identity ARN is configured (context smsOriginationIdentity), so sending may use any of this account's numbers or pools in this Region.",
      });
    }
  }
}

export interface SchedulerWiring {
  readonly groupName: string;
  readonly targetArn: string;
  readonly role: iam.IRole;
  readonly dlqArn: string;
}

export function useScheduler(fn: MedreviewFunction, s: SchedulerWiring): void {
  fn.addEnvironment('SCHEDULE_GROUP', s.groupName);
  fn.addEnvironment('SCHEDULE_TARGET_ARN', s.targetArn);
  fn.addEnvironment('SCHEDULER_ROLE_ARN', s.role.roleArn);
  fn.addEnvironment('SCHEDULE_DLQ_ARN', s.dlqArn);
  const scheduleArn = Stack.of(fn).formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `${s.groupName}/*` });
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule', 'scheduler:GetSchedule'],
      resources: [scheduleArn],
    }),
  );
  s.role.grantPassRole(fn.grantPrincipal);
  Validations.of(fn.role!).acknowledge({
    id: wildcardFinding(fn, scheduleArn),
    reason: 'Schedule names are created at runtime (wave/reminder + referral id); access is limited to this one schedule group.',
  });
}

// ---- cdk-nag acknowledgements shared by several roles ----

export function acknowledgeDefaultPolicy(role: IConstruct): void {
  Validations.of(role).acknowledge({
    id: 'HIPAA.Security-IAMNoInlinePolicy',
    reason: "CDK writes least-privilege grants into the role's own DefaultPolicy, which is attached to this single role only.",
  });
}

/** grantSendMessages on a KMS-encrypted queue adds these two action wildcards, scoped to the one key ARN. */
export function acknowledgeQueueGrant(role: IConstruct): void {
  for (const action of ['kms:ReEncrypt*', 'kms:GenerateDataKey*']) {
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Action::${action}]`,
      reason: 'Added by CDK grantSendMessages for the KMS-encrypted dead-letter queue; the statement is limited to that one key.',
    });
  }
}

/**
 * The same, for an ARN of another stack's resource: cdk-nag names the finding after the import CDK puts in its
 * place, which exists only once synthesis has resolved the references between stacks (then validation runs).
 */
export function acknowledgeWildcardAtSynth(scope: IConstruct, arn: string, reason: string): void {
  scope.node.addValidation({
    validate: () => {
      Validations.of(scope).acknowledge({ id: wildcardFinding(scope, arn), reason });
      return [];
    },
  });
}

/** The id cdk-nag gives a wildcard resource: the resolved CloudFormation value flattened the way cdk-nag prints it. */
export function wildcardFinding(scope: IConstruct, arn: string): string {
  return `AwsSolutions-IAM5[Resource::${flattenCfn(Stack.of(scope).resolve(arn))}]`;
}

function flattenCfn(v: unknown): string {
  if (typeof v === 'string') return v.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o['Fn::Join'])) {
      const [delimiter, items] = o['Fn::Join'] as [string, unknown[]];
      return items.map(flattenCfn).join(delimiter);
    }
    if ('Fn::Sub' in o) return flattenCfn(o['Fn::Sub']);
    if (Array.isArray(o['Fn::GetAtt'])) return `<${flattenCfn(o['Fn::GetAtt'][0])}.${flattenCfn(o['Fn::GetAtt'][1])}>`;
    if ('Fn::ImportValue' in o) return flattenCfn(o['Fn::ImportValue']);
    if ('Ref' in o) return `<${flattenCfn(o.Ref)}>`;
  }
  return JSON.stringify(v);
}
