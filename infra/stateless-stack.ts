import { existsSync } from 'node:fs';
import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SnsEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import * as cr from 'aws-cdk-lib/custom-resources';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { logBlockedRequests } from './waf-logs.js';
import type { Construct, IConstruct } from 'constructs';
import { type Auth, pathParameters, ROUTES } from '../functions/routes.js';
import {
  acknowledgeDefaultPolicy,
  acknowledgeQueueGrant,
  MedreviewFunction,
  type PortWiring,
  usePorts,
  wildcardFinding,
} from './function.js';
import { DOCUMENTS_PREFIX } from './documents.js';
import { FUNCTIONS, type FunctionName } from './functions.js';
import { ORIGIN_VERIFY_HEADER, OriginVerify } from './origin-verify.js';
import { lanePatterns, type Lane } from '../shared/domain/lanes.js';
import type { Settings } from './settings.js';
import type { StatefulStack } from './stateful-stack.js';

export interface StatelessStackProps extends StackProps {
  readonly stateful: StatefulStack;
  readonly settings: Settings;
  /** The CLOUDFRONT-scope web ACL of the edge stack (us-east-1), attached to the distribution. */
  readonly edgeWebAclArn: string;
}

const STAGE = 'prod';

const ack = (scope: IConstruct, id: string, reason: string): void => Validations.of(scope).acknowledge({ id, reason });

/** Functions, API, WAF, static site and CDN, alarms. Replaceable at any time; holds no data. */
export class StatelessStack extends Stack {
  readonly api: apigw.RestApi;
  readonly distribution: cloudfront.Distribution;
  readonly functions = {} as Record<FunctionName, MedreviewFunction>;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { stateful, settings } = props;
    const key = stateful.key;

    // ---------- API shell and CDN first: the functions need the distribution's domain for BASE_URL ----------
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: RetentionDays.ONE_YEAR,
      encryptionKey: key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.api = new apigw.RestApi(this, 'Api', {
      restApiName: 'medreview',
      endpointTypes: [apigw.EndpointType.REGIONAL],
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: STAGE,
        accessLogDestination: new apigw.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields(),
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false, // full request/response logging would write PHI into CloudWatch
        metricsEnabled: true,
        tracingEnabled: true,
        throttlingRateLimit: settings.apiRateLimit,
        throttlingBurstLimit: settings.apiBurstLimit,
        methodOptions: methodThrottles(settings),
      },
    });
    const stage = this.api.deploymentStage;
    ack(
      stage,
      'HIPAA.Security-APIGWCacheEnabledAndEncrypted',
      'Caching is off on purpose: responses carry PHI or per-caller state and must never be served from a cache.',
    );
    ack(
      stage,
      'HIPAA.Security-APIGWSSLEnabled',
      'Backend client certificates authenticate HTTP integrations; every integration here is a Lambda proxy, invoked over AWS IAM.',
    );
    const cwRole = this.api.node.tryFindChild('CloudWatchRole');
    if (cwRole) {
      ack(
        cwRole,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        'Account-level role API Gateway needs to write the access and execution logs; AWS maintains this policy.',
      );
    }

    const logBucket = stateful.logBucket;
    const siteBucket = new s3.Bucket(this, 'SiteBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // access logs go to the stateful stack's log bucket, whose policy admits this account's S3 log delivery under
    // s3/site/ (serverAccessLogsBucket would add a policy statement there naming this stack's bucket: a cycle)
    (siteBucket.node.defaultChild as s3.CfnBucket).loggingConfiguration = {
      destinationBucketName: logBucket.bucketName,
      logFilePrefix: 's3/site/',
    };
    ack(
      siteBucket,
      'HIPAA.Security-S3DefaultEncryptionKMS',
      'Holds only the public static form and pages (no PHI); SSE-S3 avoids giving CloudFront a KMS grant.',
    );
    ack(
      siteBucket,
      'HIPAA.Security-S3BucketReplicationEnabled',
      'Static build output that is redeployed from source control; replication adds nothing.',
    );

    // Attorneys (and doctors) sign in with the external pool's managed login; the site's pages fetch its
    // discovery document and exchange the code at its domain, so those origins are added to connect-src.
    const externalDomain = new cognito.UserPoolDomain(this, 'ExternalLoginDomain', {
      userPool: stateful.externalPool,
      cognitoDomain: { domainPrefix: settings.externalDomainPrefix ?? `medreview-${this.account}` },
      managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    const externalLoginOrigin = `https://${externalDomain.domainName}.auth.${this.region}.amazoncognito.com`;
    // The pages upload case documents straight to the bucket (a presigned POST to its regional endpoint, the
    // address the SDK signs for); downloads are navigations to a presigned GET and need no connect-src.
    const documentsOrigin = `https://${stateful.documents.bucket.bucketRegionalDomainName}`;
    const externalAuthority = `https://cognito-idp.${this.region}.amazonaws.com/${stateful.externalPool.userPoolId}`;
    const securityHeaders = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      securityHeadersBehavior: {
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
        contentSecurityPolicy: {
          contentSecurityPolicy: `default-src 'self'; connect-src 'self' https://cognito-idp.${this.region}.amazonaws.com ${externalLoginOrigin} ${documentsOrigin}; frame-ancestors 'none'`,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
      },
    });
    // The console signs in with Cognito's managed login: its page fetches the pool's discovery document and
    // exchanges the code at the pool's domain, so those two origins (and only they) are added to connect-src.
    const staffDomain = new cognito.UserPoolDomain(this, 'StaffLoginDomain', {
      userPool: stateful.userPool,
      cognitoDomain: { domainPrefix: settings.staffDomainPrefix ?? `medreview-staff-${this.account}` },
      managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    const loginOrigin = `https://${staffDomain.domainName}.auth.${this.region}.amazoncognito.com`;
    const authority = `https://cognito-idp.${this.region}.amazonaws.com/${stateful.userPool.userPoolId}`;
    const consoleHeaders = new cloudfront.ResponseHeadersPolicy(this, 'ConsoleSecurityHeaders', {
      securityHeadersBehavior: {
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
        contentSecurityPolicy: {
          contentSecurityPolicy: `default-src 'self'; connect-src 'self' https://cognito-idp.${this.region}.amazonaws.com ${loginOrigin} ${documentsOrigin}; frame-ancestors 'none'`,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
      },
      customHeadersBehavior: { customHeaders: [{ header: 'Cache-Control', value: 'no-store', override: true }] },
    });
    const rewrite = new cloudfront.Function(this, 'PageRewrite', {
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(PAGE_REWRITE),
    });

    // The API origin is built from the RestApi id only (not api.url, which points at the Stage). The Stage depends
    // on the methods, the methods on the functions, and the functions on the distribution (BASE_URL); naming only the
    // AWS::ApiGateway::RestApi resource here keeps that chain acyclic, so BASE_URL stays a plain environment variable.
    const apiDomain = `${this.api.restApiId}.execute-api.${this.region}.${this.urlSuffix}`;
    const siteOrigin = origins.S3BucketOrigin.withOriginAccessControl(siteBucket);
    // ---- edge: the web ACL of the edge stack, and the header that lets only CloudFront reach the API ----
    const originVerify = new OriginVerify(this, 'OriginVerify', { version: settings.originVerifyVersion, key });
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      webAclId: props.edgeWebAclArn,
      defaultRootObject: 'index.html',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket,
      logFilePrefix: 'cloudfront/',
      // the pages and scripts travel compressed (brotli or gzip, as the browser asks): CloudFront compresses
      // what the cache policy keys on Accept-Encoding for, which CachingOptimized does
      defaultBehavior: {
        origin: siteOrigin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        compress: true,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: securityHeaders,
        functionAssociations: [{ function: rewrite, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: {
        '/console/*': {
          origin: siteOrigin,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          compress: true,
          cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
          responseHeadersPolicy: consoleHeaders,
          functionAssociations: [{ function: rewrite, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
        },
        '/api/*': {
          origin: new origins.HttpOrigin(apiDomain, {
            originPath: `/${STAGE}`,
            protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
            originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
            customHeaders: { [ORIGIN_VERIFY_HEADER]: originVerify.headerValue },
          }),
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: securityHeaders,
        },
      },
    });
    ack(
      this.distribution,
      'AwsSolutions-CFR1',
      'Attorneys and volunteer doctors may be travelling; the edge WAF rate-limits every viewer and blocks known-bad IPs instead.',
    );
    ack(
      this.distribution,
      'AwsSolutions-CFR4',
      'Uses the default *.cloudfront.net certificate, for which CloudFront fixes the viewer TLS policy; set a custom domain to raise it.',
    );
    const baseUrl = `https://${this.distribution.distributionDomainName}`;
    this.allowUploadsFromSite(stateful.documents.bucket, baseUrl, key);

    // The console's app client: authorization code with PKCE (public, no secret), back to the console only.
    const consoleClient = new cognito.UserPoolClient(this, 'ConsoleClient', {
      userPool: stateful.userPool,
      generateSecret: false,
      authFlows: {},
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL],
        callbackUrls: [`${baseUrl}/console/callback`],
        logoutUrls: [`${baseUrl}/console/`],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });
    new cognito.CfnManagedLoginBranding(this, 'ConsoleLoginBranding', {
      userPoolId: stateful.userPool.userPoolId,
      clientId: consoleClient.userPoolClientId,
      useCognitoProvidedValues: true,
    }).node.addDependency(staffDomain);
    // The external pool's app client for the site's pages (the intake form, the attorney's and the doctor's
    // pages): authorization code with PKCE, passwordless choice-based sign-in (email code, passkey).
    const sitePages = ['/', '/referrals/', '/cases/'].map((path) => `${baseUrl}${path}`);
    const externalClient = new cognito.UserPoolClient(this, 'ExternalClient', {
      userPool: stateful.externalPool,
      generateSecret: false,
      authFlows: { user: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL],
        callbackUrls: sitePages,
        logoutUrls: sitePages,
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });
    new cognito.CfnManagedLoginBranding(this, 'ExternalLoginBranding', {
      userPoolId: stateful.externalPool.userPoolId,
      clientId: externalClient.userPoolClientId,
      useCognitoProvidedValues: true,
    }).node.addDependency(externalDomain);
    const siteAuthConfig = {
      authority: externalAuthority,
      clientId: externalClient.userPoolClientId,
      scope: 'openid email',
      signOutUrl: `${externalLoginOrigin}/logout?client_id=${externalClient.userPoolClientId}&logout_uri=${baseUrl}/`,
    };
    // read by the console at start (no inline script under the CSP); Cognito has no OIDC end-session endpoint
    const consoleConfig = {
      authority,
      clientId: consoleClient.userPoolClientId,
      scope: 'openid email',
      signOutUrl: `${loginOrigin}/logout?client_id=${consoleClient.userPoolClientId}&logout_uri=${baseUrl}/console/`,
    };

    if (settings.webDist && existsSync(settings.webDist)) {
      const deployment = new s3deploy.BucketDeployment(this, 'WebDeployment', {
        sources: [
          s3deploy.Source.asset(settings.webDist),
          s3deploy.Source.jsonData('console/config.json', consoleConfig),
          s3deploy.Source.jsonData('auth/config.json', siteAuthConfig),
        ],
        destinationBucket: siteBucket,
        distribution: this.distribution,
        distributionPaths: ['/*'],
        memoryLimit: 512,
      });
      acknowledgeBucketDeployment(this, deployment);
    }

    // ---------- functions ----------
    const timerName = `${this.stackName}-timer`;
    const timerArn = this.formatArn({
      service: 'lambda',
      resource: 'function',
      resourceName: timerName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const schedulerRole = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    });
    schedulerRole.addToPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [timerArn] }));
    stateful.schedulerDlq.grantSendMessages(schedulerRole);
    acknowledgeDefaultPolicy(schedulerRole);
    acknowledgeQueueGrant(schedulerRole);

    const environment = {
      TABLE_NAME: stateful.table.tableName,
      IDEMPOTENCY_TABLE_NAME: stateful.idempotencyTable.tableName,
      BASE_URL: baseUrl,
      MAIL_FROM: settings.mailFrom,
      PROGRAM_TIME_ZONE: settings.programTimeZone,
      WAVE_MINUTES: String(settings.waveMinutes),
      OFFER_TOKEN_DAYS: String(settings.offerTokenDays),
      URGENT_PER_SUBMITTER_PER_DAY: String(settings.urgentPerSubmitterPerDay),
      URGENT_PER_DOMAIN_PER_DAY: String(settings.urgentPerDomainPerDay),
      ROUTINE_PER_SUBMITTER_PER_DAY: String(settings.routinePerSubmitterPerDay),
      PAGE_BUDGET_PER_HOUR: String(settings.pageBudgetPerHour),
      // the documents' lifecycle rule and every function that says when a closed case's documents go
      DOCUMENT_RETENTION_DAYS: String(settings.documentRetentionDays),
    };
    const email = { mailFrom: settings.mailFrom, configurationSetName: stateful.sesConfigurationSet.configurationSetName };
    const sms = {
      originationIdentity: settings.smsOriginationIdentity,
      configurationSetName: stateful.smsConfigurationSet.ref,
      configurationSetArn: stateful.smsConfigurationSet.attrArn,
      optOutListArn: stateful.smsOptOutList.attrArn,
    };
    const scheduler = {
      groupName: stateful.scheduleGroup.scheduleGroupName,
      targetArn: timerArn,
      role: schedulerRole,
      dlqArn: stateful.schedulerDlq.queueArn,
    };
    const wiring: PortWiring = {
      table: stateful.table,
      idempotencyTable: stateful.idempotencyTable,
      key,
      aNumberKey: stateful.aNumberKey,
      email,
      sms,
      scheduler,
      documents: { bucket: stateful.documents.bucket, key: stateful.documents.key },
    };

    // each function gets exactly the permissions of the ports it declares (functions/<name>/ports.ts)
    for (const [name, spec] of Object.entries(FUNCTIONS) as [FunctionName, (typeof FUNCTIONS)[FunctionName]][]) {
      const { ports, fixedName, ...run } = { fixedName: false, ...spec };
      const f = new MedreviewFunction(this, {
        name,
        key,
        environment,
        ...run,
        functionName: fixedName ? `${this.stackName}-${name}` : undefined,
      });
      usePorts(f, ports, wiring);
      this.functions[name] = f;
    }
    const { dispatcher, pager, sweeper, 'inbound-sms': inboundSms, 'delivery-events': deliveryEvents } = this.functions;
    sweeper.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': 'medreview' } },
      }),
    );
    ack(
      sweeper.role!,
      'AwsSolutions-IAM5[Resource::*]',
      'cloudwatch:PutMetricData has no resource-level permissions; the statement is limited to the medreview namespace by condition.',
    );

    // Stream = transactional outbox, read by two event source mappings with filter criteria (the lane
    // rules of shared/domain/lanes.ts): the urgent lane gets only cases that became `paging`, so routine
    // volume never waits in front of a page. Both bisect a failing batch, report partial batch failures,
    // retry a bounded number of times, then park the record in the on-failure queue (the sweeper repairs).
    const dispatchFailures = new sqs.Queue(this, 'DispatchFailures', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    ack(dispatchFailures, 'AwsSolutions-SQS3', 'This queue is itself the on-failure destination of the DynamoDB stream mappings.');
    const lanes: [MedreviewFunction, Lane, number, number][] = [
      // urgent: small batches, several per shard at once (records of one item stay in order)
      [pager, 'urgent', 10, 5],
      [dispatcher, 'routine', 100, 5],
    ];
    for (const [consumer, lane, batchSize, parallelizationFactor] of lanes) {
      acknowledgeQueueGrant(consumer.role!);
      consumer.addEventSource(
        new DynamoEventSource(stateful.table, {
          startingPosition: StartingPosition.TRIM_HORIZON,
          batchSize,
          maxBatchingWindow: Duration.seconds(0),
          parallelizationFactor,
          bisectBatchOnError: true,
          retryAttempts: 5,
          maxRecordAge: Duration.hours(24),
          reportBatchItemFailures: true,
          onFailure: new SqsDlq(dispatchFailures),
          filters: lanePatterns(lane).map((pattern) => FilterCriteria.filter(pattern)),
        }),
      );
      ack(
        consumer.role!,
        'AwsSolutions-IAM5[Resource::*]',
        'dynamodb:ListStreams (added by the stream event source) has no resource-level permissions; stream reads themselves are scoped to the table stream.',
      );
    }
    inboundSms.addEventSource(new SnsEventSource(stateful.inboundSmsTopic));
    deliveryEvents.addEventSource(new SnsEventSource(stateful.sesEventsTopic));
    deliveryEvents.addEventSource(new SnsEventSource(stateful.smsEventsTopic));
    new events.Rule(this, 'SweepSchedule', {
      schedule: events.Schedule.rate(Duration.minutes(5)),
      targets: [new targets.LambdaFunction(sweeper, { retryAttempts: 2, maxEventAge: Duration.minutes(10) })],
    });
    // GuardDuty's verdict on each object of the documents bucket under cases/ (not its own validation object), on
    // the default bus; an event EventBridge cannot hand over lands in the function's dead-letter queue, as does
    // one the function keeps failing on
    const documentScan = this.functions['document-scan'];
    new events.Rule(this, 'DocumentScanResults', {
      description: 'GuardDuty Malware Protection for S3 scan results for the case documents bucket',
      eventPattern: {
        source: ['aws.guardduty'],
        detailType: ['GuardDuty Malware Protection Object Scan Result'],
        detail: {
          s3ObjectDetails: { bucketName: [stateful.documents.bucket.bucketName], objectKey: [{ prefix: DOCUMENTS_PREFIX }] },
        },
      },
      targets: [
        new targets.LambdaFunction(documentScan, { retryAttempts: 4, maxEventAge: Duration.hours(6), deadLetterQueue: documentScan.dlq }),
      ],
    });

    // ---------- REST API routes ----------
    // API Gateway's own errors (authorizer, throttling, WAF, unknown route) as problem+json too
    const gatewayErrors: [apigw.ResponseType, number, string][] = [
      [apigw.ResponseType.UNAUTHORIZED, 401, 'Unauthorized'],
      [apigw.ResponseType.ACCESS_DENIED, 403, 'Forbidden'],
      [apigw.ResponseType.WAF_FILTERED, 403, 'Forbidden'],
      [apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN, 404, 'Not Found'],
      [apigw.ResponseType.REQUEST_TOO_LARGE, 413, 'Payload Too Large'],
      [apigw.ResponseType.THROTTLED, 429, 'Too Many Requests'],
      [apigw.ResponseType.DEFAULT_5XX, 502, 'Bad Gateway'],
    ];
    for (const [type, status, title] of gatewayErrors) {
      this.api.addGatewayResponse(`Problem${type.responseType}`, {
        type,
        statusCode: String(status),
        responseHeaders: { 'Content-Type': "'application/problem+json'" },
        templates: {
          'application/json': `{"type":"about:blank","title":"${title}","status":${status},"detail":$context.error.messageString}`,
        },
      });
    }

    const validator = this.api.addRequestValidator('Validator', {
      // Path parameters are checked here; bodies are validated by the functions (zod) so errors stay
      // application/problem+json as the contract requires, hence no request models.
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    // one authorizer per user pool: a staff token never passes an attorney route, nor the reverse; the case
    // documents' routes (`party`) take an ID token of either pool, and the handler tells them apart by its issuer
    const authorizers: Record<Exclude<Auth, 'public'>, apigw.CognitoUserPoolsAuthorizer> = {
      staff: new apigw.CognitoUserPoolsAuthorizer(this, 'StaffAuthorizer', { cognitoUserPools: [stateful.userPool] }),
      external: new apigw.CognitoUserPoolsAuthorizer(this, 'ExternalAuthorizer', { cognitoUserPools: [stateful.externalPool] }),
      party: new apigw.CognitoUserPoolsAuthorizer(this, 'PartyAuthorizer', {
        cognitoUserPools: [stateful.userPool, stateful.externalPool],
      }),
    };
    const route = (resource: apigw.IResource, method: string, target: MedreviewFunction, params: string[], auth: Auth): apigw.Method => {
      const isPublic = auth === 'public';
      const m = resource.addMethod(method, new apigw.LambdaIntegration(target, { allowTestInvoke: false }), {
        requestValidator: validator,
        requestParameters: Object.fromEntries(params.map((p) => [`method.request.path.${p}`, true])),
        ...(isPublic ? {} : { authorizer: authorizers[auth], authorizationType: apigw.AuthorizationType.COGNITO }),
      });
      if (isPublic) {
        const why =
          'Public by design: the doctor’s offer link and the attorney’s outcome link carry a single-use or purpose-bound token instead of a sign-in; WAF and throttling cover the rest.';
        ack(m, 'AwsSolutions-APIG4', why);
        ack(m, 'AwsSolutions-COG4', why);
      }
      return m;
    };
    // every row of the route table (functions/routes.ts), the same table the local server and the handlers read
    for (const r of ROUTES) {
      route(this.api.root.resourceForPath(r.path), r.method, this.functions[r.function], pathParameters(r.path), r.auth);
    }

    this.addWaf(originVerify, key);

    // ---------- alarms ----------
    const alarmTopic = new sns.Topic(this, 'Alarms', { masterKey: key, enforceSSL: true });
    if (settings.alarmEmail) alarmTopic.addSubscription(new subscriptions.EmailSubscription(settings.alarmEmail));
    const alarmAction = new SnsAction(alarmTopic);
    // a metric the functions emit (Powertools Metrics: namespace and service dimension), summed per period
    const appMetric = (metricName: string, period: Duration) =>
      new cloudwatch.Metric({
        namespace: 'medreview',
        metricName,
        dimensionsMap: { service: 'medreview' },
        statistic: cloudwatch.Stats.SUM,
        period,
      });
    const heartbeat = new cloudwatch.Alarm(this, 'SweeperHeartbeatAlarm', {
      alarmDescription: 'The sweeper has not reported a heartbeat for 15 minutes.',
      metric: appMetric('SweeperHeartbeat', Duration.minutes(15)),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    heartbeat.addAlarmAction(alarmAction);
    // Waves held because the hourly page budget ran out: junk or a flood is using the public form (or the
    // budget is too low for a real surge). Coordinators are paged by the app; this tells the operators.
    new cloudwatch.Alarm(this, 'HeldByPageBudgetAlarm', {
      alarmDescription: 'Urgent paging waves were held because the hourly page budget was used up.',
      metric: appMetric('HeldByPageBudget', Duration.minutes(5)),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(alarmAction);
    const queues: Record<string, sqs.IQueue> = {
      SchedulerDlq: stateful.schedulerDlq,
      DispatchFailures: dispatchFailures,
    };
    for (const f of Object.values(this.functions)) if (f.dlq) queues[`${f.node.id}Dlq`] = f.dlq;
    for (const [name, queue] of Object.entries(queues)) {
      new cloudwatch.Alarm(this, `${name}DepthAlarm`, {
        alarmDescription: `Messages are waiting in ${name}.`,
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }).addAlarmAction(alarmAction);
    }

    new CfnOutput(this, 'BaseUrl', { value: baseUrl });
    new CfnOutput(this, 'TableName', { value: stateful.table.tableName, description: 'for the admin CLI: MEDREVIEW_TABLE' });
    new CfnOutput(this, 'UserPoolId', { value: stateful.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: stateful.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'ConsoleUrl', { value: `${baseUrl}/console/` });
    new CfnOutput(this, 'ConsoleClientId', { value: consoleClient.userPoolClientId });
    new CfnOutput(this, 'ConsoleLoginDomain', { value: loginOrigin });
    new CfnOutput(this, 'SiteBucketName', { value: siteBucket.bucketName });
  }

  /**
   * CORS on the documents bucket for the site's origin only, so the pages can POST a presigned upload (multipart
   * form data, with progress). The bucket lives in the stateful stack and the origin is the distribution's, made
   * here: a template property there would make the stacks depend on each other, so an SDK call sets it at deploy.
   */
  private allowUploadsFromSite(bucket: s3.IBucket, siteOrigin: string, key: IKey): void {
    const cors = {
      service: 'S3',
      action: 'PutBucketCors',
      parameters: {
        Bucket: bucket.bucketName,
        CORSConfiguration: {
          CORSRules: [{ AllowedOrigins: [siteOrigin], AllowedMethods: ['POST'], AllowedHeaders: ['*'], MaxAgeSeconds: 3600 }],
        },
      },
      physicalResourceId: cr.PhysicalResourceId.of('documents-cors'),
    };
    const resource = new cr.AwsCustomResource(this, 'DocumentsCors', {
      onCreate: cors,
      onUpdate: cors,
      onDelete: { service: 'S3', action: 'DeleteBucketCors', parameters: { Bucket: bucket.bucketName } },
      // PutBucketCors and DeleteBucketCors are both authorized as s3:PutBucketCORS
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({ actions: ['s3:PutBucketCORS'], resources: [bucket.bucketArn] }),
      ]),
      installLatestAwsSdk: false,
      logGroup: new LogGroup(this, 'DocumentsCorsLogs', {
        retention: RetentionDays.ONE_YEAR,
        encryptionKey: key,
        removalPolicy: RemovalPolicy.RETAIN,
      }),
    });
    // the singleton provider function sits at the stack's root, named after its fixed UUID
    const provider = this.node.tryFindChild(`AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replaceAll('-', '')}`);
    acknowledgeCdkProvider(
      [resource, ...(provider ? [provider] : [])],
      'CDK-managed AwsCustomResource provider that sets the documents bucket CORS rule at deploy time; its code, runtime and role are owned by aws-cdk-lib.',
    );
  }

  /**
   * The regional WAF: only requests that came through CloudFront (carrying the origin-verify header) reach the
   * API; a call to the execute-api address itself is blocked. Per-viewer rate limits and the managed rule groups
   * are on the edge WAF, which sees the real viewer IP (here every source is a CloudFront edge node).
   */
  private addWaf(originVerify: OriginVerify, key: IKey): void {
    const acl = new wafv2.CfnWebACL(this, 'ApiWaf', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'medreview-api', sampledRequestsEnabled: true },
      rules: [originVerify.wafRule(0)],
    });
    new wafv2.CfnWebACLAssociation(this, 'ApiWafAssociation', {
      resourceArn: this.api.deploymentStage.stageArn,
      webAclArn: acl.attrArn,
    });
    logBlockedRequests(this, '', { webAclArn: acl.attrArn, key, redactHeaders: ['authorization', ORIGIN_VERIFY_HEADER] });
  }
}

/**
 * `/offers/<id>` and `/outcome/<id>` serve their page; `/` serves the form; `/console` and any `/console/...`
 * path that is not a file (the sign-in callback) serve the console's page, which routes in the fragment.
 */
const PAGE_REWRITE = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri === '/') request.uri = '/index.html';
  else if (uri === '/console' || (uri.startsWith('/console/') && uri.indexOf('.') === -1)) request.uri = '/console/index.html';
  else if (uri.startsWith('/offers/')) request.uri = '/offer.html';
  else if (uri.startsWith('/outcome/')) request.uri = '/outcome.html';
  return request;
}`;

/** The findings every Lambda function that aws-cdk-lib makes for itself (deploy-time providers) has. */
function acknowledgeCdkProvider(targets: IConstruct[], why: string): void {
  for (const target of targets) {
    for (const id of [
      'AwsSolutions-L1',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'HIPAA.Security-LambdaConcurrency',
      'HIPAA.Security-LambdaDLQ',
      'HIPAA.Security-LambdaInsideVPC',
      'HIPAA.Security-IAMNoInlinePolicy',
      'HIPAA.Security-CloudWatchLogGroupEncrypted',
    ])
      ack(target, id, why);
  }
}

function acknowledgeBucketDeployment(stack: Stack, deployment: s3deploy.BucketDeployment): void {
  const provider = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
  const why =
    'CDK-managed BucketDeployment provider that copies web/dist at deploy time; its code, runtime and role are owned by aws-cdk-lib.';
  acknowledgeCdkProvider([deployment, ...(provider ? [provider] : [])], why);
  // Its role policy uses CDK's s3 grant wildcards on the staging and site buckets, and * for CloudFront invalidation.
  const policy = deployment.handlerRole.node.tryFindChild('DefaultPolicy') as iam.Policy | undefined;
  const doc = policy ? (stack.resolve(policy.document) as { Statement: { Action: string | string[]; Resource: unknown }[] }) : undefined;
  for (const st of doc?.Statement ?? []) {
    for (const a of [st.Action].flat()) if (a.includes('*')) ack(deployment.handlerRole, `AwsSolutions-IAM5[Action::${a}]`, why);
    for (const r of [st.Resource].flat()) {
      const id = wildcardFinding(stack, r as string);
      if (id.includes('*')) ack(deployment.handlerRole, id, why);
    }
  }
}

/**
 * Every route's method gets its own throttle (its own token bucket), so a flood of the public form can
 * 429 only the form: the doctors' offer links and the staff routes keep their headroom. The intake's
 * is lower; logging and metrics are repeated because a method's settings replace the stage's.
 */
export function methodThrottles(settings: Settings): Record<string, apigw.MethodDeploymentOptions> {
  return Object.fromEntries(
    ROUTES.map((r) => {
      const intake = r.function === 'intake';
      return [
        `${r.path}/${r.method}`,
        {
          throttlingRateLimit: intake ? settings.intakeRateLimit : settings.apiRateLimit,
          throttlingBurstLimit: intake ? settings.intakeBurstLimit : settings.apiBurstLimit,
          loggingLevel: apigw.MethodLoggingLevel.ERROR,
          metricsEnabled: true,
          dataTraceEnabled: false,
        },
      ];
    }),
  );
}
