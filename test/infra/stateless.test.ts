import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { App } from 'aws-cdk-lib';
import { settingsFromContext } from '../../infra/settings.js';
import { VARIABLES } from '../../shared/config.js';
import { apiMethods, cdkContext, flat, resourcesOf, synthMedreview } from './synth.js';

const { statelessTemplate: t } = synthMedreview();
// the application's functions (aws-cdk-lib's own deploy-time provider, which sets the documents bucket's CORS, aside)
const functions = Object.fromEntries(
  Object.entries(resourcesOf(t, 'AWS::Lambda::Function')).filter(([id]) => !id.startsWith('AWS679f53fac002430cb0da5b7982bd2287')),
);
const functionId = (name: string): string => {
  const id = Object.keys(functions).find((k) => new RegExp(`^${name.replace('-', '')}[0-9A-F]{8}$`).test(k));
  if (!id) throw new Error(`no function ${name}`);
  return id;
};
const policyOf = (roleId: string) =>
  Object.values(resourcesOf(t, 'AWS::IAM::Policy')).find((p) => p.Properties.Roles.some((r: any) => r.Ref === roleId))!.Properties
    .PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[];
const roleOf = (fnId: string) => functions[fnId]!.Properties.Role['Fn::GetAtt'][0] as string;

// The variables shared/config.ts reads; infra must set exactly these (plus runtime-only ones).
const configVars = Object.entries(VARIABLES).map(([name, { required }]) => ({ name, required }));

describe('functions', () => {
  it('are the fifteen handlers, all Node.js 24 on arm64 with 1024 MB and reserved concurrency', () => {
    expect(Object.keys(functions)).toHaveLength(15);
    for (const f of Object.values(functions)) {
      expect(f.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], MemorySize: 1024 });
      expect(f.Properties.ReservedConcurrentExecutions).toBeGreaterThan(0);
      expect(f.Properties.Environment.Variables).toMatchObject({ POWERTOOLS_SERVICE_NAME: 'medreview' });
      // no --enable-source-maps: Node would read and decode the bundle's source maps at every cold start
      expect(f.Properties.Environment.Variables.NODE_OPTIONS).toBeUndefined();
    }
    expect(functions[functionId('sweeper')]!.Properties.ReservedConcurrentExecutions).toBe(1);
  });

  it('set every required config variable and no variable config.ts does not know', () => {
    expect(configVars.map((v) => v.name)).toContain('TABLE_NAME');
    const known = new Set([...configVars.map((v) => v.name), 'POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE']);
    for (const f of Object.values(functions)) {
      const vars = Object.keys(f.Properties.Environment.Variables);
      expect(vars.filter((v) => !known.has(v))).toEqual([]);
      for (const v of configVars.filter((c) => c.required && c.name !== 'AWS_ENDPOINT_URL_DYNAMODB')) expect(vars).toContain(v.name);
    }
    const base = functions[functionId('timer')]!.Properties.Environment.Variables;
    expect(flat(base.BASE_URL)).toBe('https://<Distribution830FAC52.DomainName>');
    expect(base.MAIL_FROM).toBe('cases@example.org');
    expect(base.PROGRAM_TIME_ZONE).toBe('America/Chicago');
  });

  it('write logs to KMS-encrypted log groups with a retention', () => {
    const groups = Object.values(resourcesOf(t, 'AWS::Logs::LogGroup'));
    expect(groups.length).toBeGreaterThanOrEqual(12);
    for (const g of groups) {
      expect(g.Properties.RetentionInDays).toBe(365);
      expect(flat(g.Properties.KmsKeyId)).toMatch(/ExportsOutputFnGetAttKey/);
    }
  });

  it('give async functions a KMS-encrypted DLQ and bounded retries', () => {
    for (const name of ['timer', 'inbound-sms', 'delivery-events', 'sweeper', 'document-scan']) {
      const id = functionId(name);
      expect(functions[id]!.Properties.DeadLetterConfig.TargetArn['Fn::GetAtt'][0]).toMatch(/dlq/);
      t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { FunctionName: { Ref: id }, MaximumRetryAttempts: 2 });
    }
    for (const q of Object.values(resourcesOf(t, 'AWS::SQS::Queue'))) expect(q.Properties.KmsMasterKeyId).toBeDefined();
  });
});

describe('least privilege: each function may do what its ports need and nothing else', () => {
  const write = ['dynamodb:ConditionCheckItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'];
  const streamRead = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'];
  const idempotency = ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];
  const scheduler = ['iam:PassRole', 'scheduler:CreateSchedule', 'scheduler:DeleteSchedule', 'scheduler:GetSchedule'];
  const email = ['ses:SendEmail'];
  const sms = ['sms-voice:SendTextMessage'];
  const documentTag = ['s3:GetObjectTagging', 's3:ListBucket', 's3:PutObjectTagging'];
  // table: actions on the main table; other: every other action (logs, KMS, DLQ and X-Ray aside)
  const expected: Record<string, { table: string[]; idempotency?: string[]; other: string[] }> = {
    health: { table: [], other: [] },
    openapi: { table: [], other: [] },
    intake: { table: write, idempotency, other: [] },
    offers: { table: write, other: [...email, ...scheduler, ...sms] },
    outcome: { table: write, other: [...email, ...scheduler] },
    // the attorney's and the doctor's pages read, and put one `viewed` event per case read
    portal: { table: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'], other: [] },
    // closing a case tags its documents for the retention rule
    staff: {
      table: [...write, 'dynamodb:BatchWriteItem', 'dynamodb:DeleteItem'].sort(),
      other: [...email, ...scheduler, ...sms, ...documentTag],
    },
    // signs uploads and downloads; never reads, deletes or tags an object itself
    documents: { table: write, other: ['s3:GetObject', 's3:PutObject'] },
    // reads an object's first bytes, deletes a rejected one, tags one that lands after its case closed
    'document-scan': { table: write, other: [...email, 's3:DeleteObject', 's3:GetObject', ...documentTag] },
    dispatcher: {
      table: [...write, ...streamRead, 'dynamodb:DeleteItem'].sort(),
      other: ['dynamodb:ListStreams', ...email, ...scheduler, ...sms],
    },
    pager: { table: [...write, ...streamRead].sort(), other: ['dynamodb:ListStreams', ...email, ...scheduler, ...sms] },
    timer: { table: write, other: [...email, ...scheduler, ...sms] },
    'inbound-sms': { table: [...write, 'dynamodb:DeleteItem'].sort(), other: [...email, ...scheduler, ...sms] },
    'delivery-events': { table: write, other: [...email, ...sms] },
    sweeper: { table: [...write, 'dynamodb:DeleteItem'].sort(), other: ['cloudwatch:PutMetricData', ...email, ...scheduler, ...sms] },
  };
  const plumbing = /^(logs|kms|sqs|xray):/;
  const grants = (name: string) => {
    const statements = Object.values(resourcesOf(t, 'AWS::IAM::Policy'))
      .filter((p) => p.Properties.Roles.some((r: any) => r.Ref === roleOf(functionId(name))))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
    const on = (table: RegExp) => statements.filter((s) => [s.Resource].flat().some((r) => table.test(flat(r))));
    const actions = (list: typeof statements) => [...new Set(list.flatMap((s) => [s.Action].flat()))].sort();
    const idem = on(/IdempotencyTable/);
    const main = on(/GetAttTable[0-9A-F]{8}(Arn|StreamArn)/).filter((s) => !idem.includes(s));
    const other = statements.filter((s) => !main.includes(s) && !idem.includes(s));
    return { table: actions(main), idempotency: actions(idem), other: actions(other).filter((a) => !plumbing.test(a)) };
  };

  for (const [name, want] of Object.entries(expected)) {
    const sends = want.other.filter((a) => /^(ses|sms-voice):/.test(a)).map((a) => a.split(':')[0]);
    it(`${name}: ${want.table.length ? `${want.table.length} table actions` : 'no table access'}, ${sends.length ? sends.join(' and ') : 'no SES or SMS'}`, () => {
      const got = grants(name);
      expect(got.table).toEqual(want.table);
      expect(got.idempotency).toEqual(want.idempotency ?? []);
      expect(got.other).toEqual([...want.other].sort());
    });
  }

  it('lets the pages read a person’s cases through the attorney and doctor indexes, by name', () => {
    const query = policyOf(roleOf(functionId('portal'))).find((s) => [s.Action].flat().includes('dynamodb:Query'))!;
    const resources = [query.Resource].flat().map(flat);
    const table = '<import MedreviewStateful:ExportsOutputFnGetAttTableCD117FA1ArnE2C8C204>';
    for (const index of ['attorney', 'doctor']) expect(resources).toContain(`${table}/index/${index}`);
    expect(resources.every((r) => !r.endsWith('/index/*'))).toBe(true);
  });

  it('lets no function scan or batch-get, only staff (roster and clinic imports) batch-write, and only intake touch idempotency records', () => {
    expect(Object.keys(expected).sort()).toEqual(
      Object.keys(functions)
        .map((id) => id.replace(/[0-9A-F]{8}$/, ''))
        .map((n) => Object.keys(expected).find((e) => e.replace('-', '') === n)!)
        .sort(),
    );
    for (const name of Object.keys(expected)) {
      const { table, idempotency: idem } = grants(name);
      for (const forbidden of ['dynamodb:Scan', 'dynamodb:BatchGetItem', 'dynamodb:DescribeTable']) expect(table).not.toContain(forbidden);
      if (name !== 'staff') expect(table).not.toContain('dynamodb:BatchWriteItem');
      if (name !== 'intake') expect(idem).toEqual([]);
    }
  });
});

describe('trust and budgets', () => {
  it('passes the limits from CDK context to every function', () => {
    const vars = functions[functionId('dispatcher')]!.Properties.Environment.Variables;
    expect(vars).toMatchObject({
      URGENT_PER_SUBMITTER_PER_DAY: '3',
      URGENT_PER_DOMAIN_PER_DAY: '10',
      ROUTINE_PER_SUBMITTER_PER_DAY: '20',
      PAGE_BUDGET_PER_HOUR: '40',
    });
    const lowered = settingsFromContext(
      new App({ context: { ...cdkContext, urgentPerSubmitterPerDay: '2', urgentPerDomainPerDay: '4', pageBudgetPerHour: '5' } }).node,
    );
    expect(lowered).toMatchObject({ urgentPerSubmitterPerDay: 2, urgentPerDomainPerDay: 4, pageBudgetPerHour: 5 });
  });

  it('lets only intake and staff hash A-numbers, with GenerateMac on the HMAC key alone', () => {
    for (const name of Object.keys(functions)) {
      const macs = policyOf(roleOf(name)).filter((s) => [s.Action].flat().some((a) => a.startsWith('kms:') && a.includes('Mac')));
      const vars = functions[name]!.Properties.Environment.Variables;
      if (name === functionId('intake') || name === functionId('staff')) {
        expect(macs).toEqual([
          expect.objectContaining({ Action: 'kms:GenerateMac', Resource: { 'Fn::ImportValue': expect.stringMatching(/ANumberKey/) } }),
        ]);
        expect(vars.A_NUMBER_KEY_ID).toBeDefined();
      } else {
        expect(macs).toEqual([]);
        expect(vars.A_NUMBER_KEY_ID).toBeUndefined();
      }
    }
  });
});

describe('the two dispatch lanes on the table stream', () => {
  const ref = { Keys: { sk: { S: ['REF'] } } };
  const mapping = (fn: string) => ({
    FunctionName: { Ref: functionId(fn) },
    EventSourceArn: { 'Fn::ImportValue': Match.stringLikeRegexp('TableCD117FA1StreamArn') },
    StartingPosition: 'TRIM_HORIZON',
    BisectBatchOnFunctionError: true,
    MaximumRetryAttempts: 5,
    FunctionResponseTypes: ['ReportBatchItemFailures'],
    DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DispatchFailures'), 'Arn'] } } },
  });

  it('has exactly two mappings on the stream, one per lane, each with its own function', () => {
    const mappings = Object.values(resourcesOf(t, 'AWS::Lambda::EventSourceMapping')).filter((m) =>
      JSON.stringify(m.Properties.EventSourceArn).includes('StreamArn'),
    );
    expect(mappings.map((m) => m.Properties.FunctionName.Ref).sort()).toEqual([functionId('dispatcher'), functionId('pager')].sort());
  });

  it('urgent lane: only a case item that became paging (created paging, or changed into paging from another status)', () => {
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ...mapping('pager'),
      BatchSize: 10,
      FilterCriteria: {
        Filters: [
          { Pattern: JSON.stringify({ eventName: ['INSERT'], dynamodb: { ...ref, NewImage: { status: { S: ['paging'] } } } }) },
          {
            Pattern: JSON.stringify({
              eventName: ['MODIFY'],
              dynamodb: { ...ref, NewImage: { status: { S: ['paging'] } }, OldImage: { status: { S: [{ 'anything-but': ['paging'] }] } } },
            }),
          },
        ],
      },
    });
  });

  it('routine lane: every new case, every case let out of waiting (verified or approved), every case that just got its doctor', () => {
    const admitted = (from: string, to: string[]) => ({
      Pattern: JSON.stringify({
        eventName: ['MODIFY'],
        dynamodb: { ...ref, OldImage: { status: { S: [from] } }, NewImage: { status: { S: to } } },
      }),
    });
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ...mapping('dispatcher'),
      BatchSize: 100,
      FilterCriteria: {
        Filters: [
          { Pattern: JSON.stringify({ eventName: ['INSERT'], dynamodb: ref }) },
          admitted('awaiting_verification', ['paging', 'awaiting_review', 'held']),
          admitted('held', ['paging', 'awaiting_review']),
          {
            Pattern: JSON.stringify({
              eventName: ['MODIFY'],
              dynamodb: {
                ...ref,
                OldImage: { status: { S: ['awaiting_review'] }, holdReason: { S: ['new_submitter', 'routine_limit'] } },
                NewImage: { status: { S: ['awaiting_review'] }, holdReason: [{ exists: false }] },
              },
            }),
          },
          {
            Pattern: JSON.stringify({
              eventName: ['MODIFY'],
              dynamodb: {
                ...ref,
                NewImage: { status: { S: ['assigned'] } },
                OldImage: { status: { S: [{ 'anything-but': ['assigned'] }] } },
              },
            }),
          },
        ],
      },
    });
  });
});

describe('scheduler', () => {
  const timerArn = 'arn:aws:lambda:us-east-1:<AWS::AccountId>:function:MedreviewStateless-timer';
  const roles = resourcesOf(t, 'AWS::IAM::Role');
  const schedulerRoleId = Object.keys(roles).find((k) => k.startsWith('SchedulerRole'))!;

  it('has a role only EventBridge Scheduler can assume, which may invoke the timer function and nothing else', () => {
    expect(roles[schedulerRoleId]!.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({ Principal: { Service: 'scheduler.amazonaws.com' }, Action: 'sts:AssumeRole' }),
    ]);
    const statements = policyOf(schedulerRoleId);
    const invoke = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('lambda:')));
    expect(invoke.map((s) => [[s.Action].flat(), flat(s.Resource)])).toEqual([[['lambda:InvokeFunction'], timerArn]]);
    expect(functions[functionId('timer')]!.Properties.FunctionName).toBe('MedreviewStateless-timer');
    expect(flat(functions[functionId('offers')]!.Properties.Environment.Variables.SCHEDULE_TARGET_ARN)).toBe(timerArn);
  });

  it('lets schedule-creating functions manage schedules in the group and pass only the scheduler role', () => {
    const statements = policyOf(roleOf(functionId('offers')));
    const sched = statements.find((s) => [s.Action].flat().includes('scheduler:CreateSchedule'))!;
    expect([sched.Action].flat().sort()).toEqual(['scheduler:CreateSchedule', 'scheduler:DeleteSchedule', 'scheduler:GetSchedule']);
    expect(flat(sched.Resource)).toMatch(
      /:scheduler:us-east-1:<AWS::AccountId>:schedule\/MedreviewStateful-ScheduleGroup-[0-9A-F]{8}\/\*$/,
    );
    const pass = statements.find((s) => [s.Action].flat().includes('iam:PassRole'))!;
    expect(pass.Resource).toEqual({ 'Fn::GetAtt': [schedulerRoleId, 'Arn'] });
    const deliveryEvents = policyOf(roleOf(functionId('delivery-events')));
    expect(deliveryEvents.some((s) => [s.Action].flat().some((a) => a.startsWith('scheduler:')))).toBe(false);
  });
});

describe('REST API', () => {
  const methods = apiMethods(t);
  const staffRoutes = [
    'GET /api/staff/referrals',
    'GET /api/staff/referrals/{id}',
    'POST /api/staff/referrals/{id}/release',
    'POST /api/staff/referrals/{id}/close',
    'POST /api/staff/referrals/{id}/notes',
    'GET /api/staff/referrals.csv',
    'GET /api/staff/roster',
    'PUT /api/staff/roster',
    'GET /api/staff/coverage',
    'GET /api/staff/metrics',
    'POST /api/staff/referrals/{id}/approve',
    'GET /api/staff/submitters',
    'POST /api/staff/submitters',
    'DELETE /api/staff/submitters/{entry}',
    'GET /api/staff/clinics',
    'PUT /api/staff/clinics',
    'GET /api/staff/referrals/{id}/clinics',
    'POST /api/staff/referrals/{id}/handoff',
  ];
  const publicRoutes = [
    'GET /api/health',
    'GET /api/openapi.json',
    'POST /api/referrals/{referralId}/outcome',
    'POST /api/offers/{offerId}',
    'POST /api/offers/{offerId}/accept',
    'POST /api/offers/{offerId}/decline',
  ];
  const attorneyRoutes = [
    'POST /api/referrals',
    'GET /api/attorney/referrals',
    'GET /api/attorney/referrals/{id}',
    'POST /api/attorney/referrals/{id}/outcome',
    'GET /api/doctor/cases',
    'GET /api/doctor/cases/{id}',
  ];

  // a token of either pool: the case's attorney or doctor, or a coordinator
  const partyRoutes = [
    'POST /api/cases/{referralId}/documents',
    'GET /api/cases/{referralId}/documents',
    'GET /api/cases/{referralId}/documents/{documentId}',
  ];

  it('has exactly the contract routes', () => {
    expect([...methods.keys()].sort()).toEqual([...staffRoutes, ...publicRoutes, ...attorneyRoutes, ...partyRoutes].sort());
  });

  it('puts the staff pool’s authorizer on every staff route, the external pool’s on the attorneys’, both pools’ on the documents’, and none on a public one', () => {
    const authorizers = resourcesOf(t, 'AWS::ApiGateway::Authorizer');
    // the user pools an authorizer trusts, by name
    const poolsOf = (id: string) =>
      authorizers[id]!.Properties.ProviderARNs.map((arn: unknown) => /StaffPool|ExternalPool/.exec(flat(arn))?.[0]);
    const idOf = (...pools: string[]) => Object.keys(authorizers).find((id) => poolsOf(id).join() === pools.join())!;
    const [staffAuthorizer, externalAuthorizer, partyAuthorizer] = [
      idOf('StaffPool'),
      idOf('ExternalPool'),
      idOf('StaffPool', 'ExternalPool'),
    ];
    expect(Object.keys(authorizers).sort()).toEqual([staffAuthorizer, externalAuthorizer, partyAuthorizer].sort());
    for (const r of partyRoutes) {
      expect(methods.get(r)!.Properties).toMatchObject({ AuthorizationType: 'COGNITO_USER_POOLS', AuthorizerId: { Ref: partyAuthorizer } });
    }
    t.hasResourceProperties('AWS::ApiGateway::Authorizer', { Type: 'COGNITO_USER_POOLS' });
    for (const r of staffRoutes) {
      expect(methods.get(r)!.Properties).toMatchObject({ AuthorizationType: 'COGNITO_USER_POOLS', AuthorizerId: { Ref: staffAuthorizer } });
    }
    for (const r of attorneyRoutes) {
      expect(methods.get(r)!.Properties).toMatchObject({
        AuthorizationType: 'COGNITO_USER_POOLS',
        AuthorizerId: { Ref: externalAuthorizer },
      });
    }
    for (const r of publicRoutes) {
      expect(methods.get(r)!.Properties.AuthorizationType).toBe('NONE');
      expect(methods.get(r)!.Properties.AuthorizerId).toBeUndefined();
    }
  });

  it('logs access, throttles the stage and never logs request bodies', () => {
    t.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'prod',
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
      TracingEnabled: true,
      MethodSettings: Match.arrayWith([
        Match.objectLike({
          HttpMethod: '*',
          ResourcePath: '/*',
          DataTraceEnabled: false,
          ThrottlingRateLimit: 20,
          ThrottlingBurstLimit: 40,
        }),
      ]),
    });
  });

  it('gives every route its own throttle, the public intake a lower one, so a flood of the form leaves offers and staff their headroom', () => {
    const stage = Object.values(resourcesOf(t, 'AWS::ApiGateway::Stage'))[0]!;
    const settings = stage.Properties.MethodSettings as Record<string, unknown>[];
    // `POST` at `/~1api~1offers~1{offerId}` → `POST /api/offers/{offerId}`
    const byRoute = new Map(settings.map((m) => [`${m.HttpMethod} ${String(m.ResourcePath).slice(1).replaceAll('~1', '/')}`, m]));
    for (const route of [...staffRoutes, ...publicRoutes, ...attorneyRoutes, ...partyRoutes]) {
      const own = byRoute.get(route);
      expect(own, route).toMatchObject({ LoggingLevel: 'ERROR', MetricsEnabled: true, DataTraceEnabled: false });
      const [rate, burst] = route === 'POST /api/referrals' ? [5, 10] : [20, 40];
      expect([own!.ThrottlingRateLimit, own!.ThrottlingBurstLimit], route).toEqual([rate, burst]);
    }
    expect(settings).toHaveLength(1 + staffRoutes.length + publicRoutes.length + attorneyRoutes.length + partyRoutes.length);
  });

  it('takes the throttles from CDK context', () => {
    const app = new App({ context: { ...cdkContext, intakeRateLimit: '2', intakeBurstLimit: '3', apiRateLimit: '50' } });
    expect(settingsFromContext(app.node)).toMatchObject({ intakeRateLimit: 2, intakeBurstLimit: 3, apiRateLimit: 50, apiBurstLimit: 40 });
  });

  it('is behind a regional WAF, associated with the stage, whose first rule blocks what did not come through CloudFront', () => {
    t.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      Rules: [Match.objectLike({ Name: 'origin-verify', Priority: 0, Action: { Block: {} } })],
    });
    const [association] = Object.values(resourcesOf(t, 'AWS::WAFv2::WebACLAssociation'));
    expect(association!.Properties.WebACLArn['Fn::GetAtt']).toEqual([expect.stringMatching(/^ApiWaf/), 'Arn']);
    expect(flat(association!.Properties.ResourceArn)).toMatch(
      /:apigateway:us-east-1::\/restapis\/<ApiF70053CD>\/stages\/<ApiDeploymentStageprod[0-9A-F]+>$/,
    );
  });
});

describe('CloudFront', () => {
  const [distribution] = Object.values(resourcesOf(t, 'AWS::CloudFront::Distribution'));
  const config = distribution!.Properties.DistributionConfig;

  it('routes /api/* uncached, with every method and all viewer headers except Host, to the API stage', () => {
    const api = config.CacheBehaviors.find((b: any) => b.PathPattern === '/api/*');
    expect(api).toMatchObject({
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // Managed-CachingDisabled
      OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac', // Managed-AllViewerExceptHostHeader
      ViewerProtocolPolicy: 'https-only',
    });
    expect(api.AllowedMethods).toHaveLength(7);
    const origin = config.Origins.find((o: any) => o.Id === api.TargetOriginId);
    expect(origin.OriginPath).toBe('/prod');
    expect(flat(origin.DomainName)).toBe('<ApiF70053CD>.execute-api.us-east-1.<AWS::URLSuffix>');
    expect(origin.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
  });

  it('serves the site bucket through OAC and sends the security headers', () => {
    const s3Origin = config.Origins.find((o: any) => o.Id === config.DefaultCacheBehavior.TargetOriginId);
    expect(s3Origin.OriginAccessControlId).toBeDefined();
    t.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: {
        SecurityHeadersConfig: Match.objectLike({
          ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
          StrictTransportSecurity: Match.objectLike({ AccessControlMaxAgeSec: 31536000 }),
          ContentTypeOptions: { Override: true },
        }),
      },
    });
    const policy = resourcesOf(t, 'AWS::CloudFront::ResponseHeadersPolicy')[config.DefaultCacheBehavior.ResponseHeadersPolicyId.Ref]!;
    // the site's pages sign attorneys and doctors in and upload documents: connect-src opened to the external pool's sign-in and the documents bucket only
    expect(flat(policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy)).toBe(
      "default-src 'self'; connect-src 'self' https://cognito-idp.us-east-1.amazonaws.com " +
        'https://<ExternalLoginDomainFF138441>.auth.us-east-1.amazoncognito.com ' +
        "https://<import MedreviewStateful:ExportsOutputFnGetAttDocumentsBucket089EA665RegionalDomainName37324409>; frame-ancestors 'none'",
    );
    t.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 's3/site/' }),
    });
  });

  it('compresses the site and the console (brotli and gzip, through a cache policy keyed on Accept-Encoding)', () => {
    const site = [config.DefaultCacheBehavior, config.CacheBehaviors.find((b: any) => b.PathPattern === '/console/*')];
    for (const behavior of site) {
      expect(behavior).toMatchObject({
        Compress: true,
        CachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6', // Managed-CachingOptimized: gzip and brotli on
      });
    }
  });

  it('rewrites page routes to their HTML files in a viewer-request function', () => {
    const [fn] = Object.values(resourcesOf(t, 'AWS::CloudFront::Function'));
    expect(config.DefaultCacheBehavior.FunctionAssociations[0].EventType).toBe('viewer-request');
    const handler = new Function(`${fn!.Properties.FunctionCode}; return handler;`)() as (e: unknown) => { uri: string };
    const rewrite = (uri: string) => handler({ request: { uri } }).uri;
    expect(rewrite('/')).toBe('/index.html');
    expect(rewrite('/offers/of-123')).toBe('/offer.html');
    expect(rewrite('/outcome/MR-7K3M9QXT')).toBe('/outcome.html');
    expect(rewrite('/styles.css')).toBe('/styles.css');
    expect(rewrite('/console')).toBe('/console/index.html');
    expect(rewrite('/console/')).toBe('/console/index.html');
    expect(rewrite('/console/callback')).toBe('/console/index.html');
    expect(rewrite('/console/app.js')).toBe('/console/app.js');
    expect(rewrite('/console/config.json')).toBe('/console/config.json');
  });

  it('serves /console/* from the site bucket with the same security headers, connect-src opened only to the staff sign-in', () => {
    const behavior = config.CacheBehaviors.find((b: any) => b.PathPattern === '/console/*');
    expect(behavior.TargetOriginId).toBe(config.DefaultCacheBehavior.TargetOriginId);
    expect(behavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(behavior.FunctionAssociations).toEqual(config.DefaultCacheBehavior.FunctionAssociations);
    const policy = resourcesOf(t, 'AWS::CloudFront::ResponseHeadersPolicy')[behavior.ResponseHeadersPolicyId.Ref]!;
    const headers = policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    const csp = flat(headers.ContentSecurityPolicy.ContentSecurityPolicy);
    expect(csp).toBe(
      "default-src 'self'; connect-src 'self' https://cognito-idp.us-east-1.amazonaws.com " +
        'https://<StaffLoginDomain14CC879A>.auth.us-east-1.amazoncognito.com ' +
        "https://<import MedreviewStateful:ExportsOutputFnGetAttDocumentsBucket089EA665RegionalDomainName37324409>; frame-ancestors 'none'",
    );
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|script-src/);
    expect(headers).toMatchObject({
      ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
      StrictTransportSecurity: expect.objectContaining({ AccessControlMaxAgeSec: 31536000 }),
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
    });
  });
});

describe('console sign-in', () => {
  it('has a public app client for authorization code (PKCE) that returns only to the console', () => {
    const clients = Object.values(resourcesOf(t, 'AWS::Cognito::UserPoolClient'));
    expect(clients).toHaveLength(2);
    const client = clients.find((c) => JSON.stringify(c.Properties.UserPoolId).includes('StaffPool'))!.Properties;
    expect(client).toMatchObject({
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ['openid', 'email'],
      SupportedIdentityProviders: ['COGNITO'],
      PreventUserExistenceErrors: 'ENABLED',
    });
    expect(client.GenerateSecret).toBe(false);
    expect(client.CallbackURLs.map(flat)).toEqual(['https://<Distribution830FAC52.DomainName>/console/callback']);
    expect(client.LogoutURLs.map(flat)).toEqual(['https://<Distribution830FAC52.DomainName>/console/']);
    t.hasResourceProperties('AWS::Cognito::UserPoolDomain', { ManagedLoginVersion: 2 });
    t.resourceCountIs('AWS::Cognito::ManagedLoginBranding', 2);
  });

  it('has a public app client of the external pool that returns only to the site’s signed-in pages, with passwordless sign-in', () => {
    const client = Object.values(resourcesOf(t, 'AWS::Cognito::UserPoolClient')).find((c) =>
      JSON.stringify(c.Properties.UserPoolId).includes('ExternalPool'),
    )!.Properties;
    expect(client).toMatchObject({ AllowedOAuthFlows: ['code'], AllowedOAuthScopes: ['openid', 'email'], GenerateSecret: false });
    expect(client.ExplicitAuthFlows).toContain('ALLOW_USER_AUTH');
    const pages = ['/', '/referrals/', '/cases/'].map((p) => `https://<Distribution830FAC52.DomainName>${p}`);
    expect(client.CallbackURLs.map(flat)).toEqual(pages);
    expect(client.LogoutURLs.map(flat)).toEqual(pages);
  });

  it('writes the console config (authority, client id, sign-out) beside the site at deploy', () => {
    const { statelessTemplate } = synthMedreview({ webDist: 'web/console' });
    const [deployment] = Object.values(resourcesOf(statelessTemplate, 'Custom::CDKBucketDeployment'));
    expect(deployment!.Properties.SourceObjectKeys).toHaveLength(3);
    const markers = JSON.stringify(deployment!.Properties.SourceMarkers);
    // each pool's id, client id (twice: clientId and the sign-out address), sign-in domain, and the site's domain
    for (const ref of [
      'ExportsOutputRefStaffPool',
      'ConsoleClient',
      'StaffLoginDomain',
      'ExternalPool',
      'ExternalClient',
      'ExternalLoginDomain',
      'Distribution830FAC52',
    ])
      expect(markers).toContain(ref);
  }, 60_000);
});

describe('sweeper and alarms', () => {
  const alarms = Object.values(resourcesOf(t, 'AWS::CloudWatch::Alarm'));

  it('runs the sweeper every five minutes', () => {
    t.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [functionId('sweeper'), 'Arn'] } })],
    });
  });

  it('alarms when the sweeper heartbeat goes silent', () => {
    const heartbeat = alarms.find((a) => a.Properties.MetricName === 'SweeperHeartbeat');
    expect(heartbeat?.Properties).toMatchObject({
      Namespace: 'medreview',
      TreatMissingData: 'breaching',
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
    });
    expect(heartbeat!.Properties.AlarmActions).toHaveLength(1);
  });

  it('alarms when waves are held by the page budget', () => {
    const held = alarms.find((a) => a.Properties.MetricName === 'HeldByPageBudget');
    expect(held?.Properties).toMatchObject({
      Namespace: 'medreview',
      Dimensions: [{ Name: 'service', Value: 'medreview' }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(held!.Properties.AlarmActions).toHaveLength(1);
  });

  it('alarms on the depth of every dead-letter queue, including the scheduler DLQ', () => {
    const depth = alarms.filter((a) => a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible');
    const queues = depth.map((a) => flat(a.Properties.Dimensions[0].Value));
    const local = Object.keys(resourcesOf(t, 'AWS::SQS::Queue')).map((id) => `<${id}.QueueName>`);
    expect(queues).toEqual(expect.arrayContaining(local));
    expect(queues.some((q) => q.includes('SchedulerDlq'))).toBe(true);
    expect(depth).toHaveLength(local.length + 1);
    for (const a of depth) expect(a.Properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
  });

  it('lets only the sweeper put metrics, in the medreview namespace', () => {
    const statements = policyOf(roleOf(functionId('sweeper')));
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: 'cloudwatch:PutMetricData',
        Condition: { StringEquals: { 'cloudwatch:namespace': 'medreview' } },
      }),
    );
  });
});

describe('API Gateway errors', () => {
  it('answers its own 401, 403, 404, 413, 429 and 5xx as problem+json like the functions do', () => {
    const responses = Object.values(resourcesOf(t, 'AWS::ApiGateway::GatewayResponse')).map((r) => r.Properties);
    const byType = Object.fromEntries(responses.map((r: any) => [r.ResponseType, r]));
    for (const [type, status] of [
      ['UNAUTHORIZED', '401'],
      ['ACCESS_DENIED', '403'],
      ['WAF_FILTERED', '403'],
      ['MISSING_AUTHENTICATION_TOKEN', '404'],
      ['REQUEST_TOO_LARGE', '413'],
      ['THROTTLED', '429'],
      ['DEFAULT_5XX', '502'],
    ]) {
      expect(byType[type]?.StatusCode).toBe(status);
      expect(byType[type].ResponseParameters['gatewayresponse.header.Content-Type']).toBe("'application/problem+json'");
      expect(JSON.parse(byType[type].ResponseTemplates['application/json'].replace('$context.error.messageString', '"x"'))).toMatchObject({
        status: Number(status),
      });
    }
  });
});
