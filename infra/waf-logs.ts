import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';

/**
 * Logs a web ACL's blocked and counted requests only (data minimisation) into a KMS-encrypted log group
 * kept a year; the listed headers are redacted. Construct ids: `<id>WafLogs` and `<id>WafLogging`.
 */
export function logBlockedRequests(scope: Construct, id: string, props: { webAclArn: string; key: IKey; redactHeaders: string[] }): void {
  const stack = Stack.of(scope);
  const logGroupName = `aws-waf-logs-${stack.stackName}`; // WAF requires this prefix
  const logs = new LogGroup(scope, `${id}WafLogs`, {
    logGroupName,
    retention: RetentionDays.ONE_YEAR,
    encryptionKey: props.key,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  new wafv2.CfnLoggingConfiguration(scope, `${id}WafLogging`, {
    resourceArn: props.webAclArn,
    logDestinationConfigs: [
      stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
    ],
    redactedFields: props.redactHeaders.map((Name) => ({ singleHeader: { Name } })),
    loggingFilter: {
      DefaultBehavior: 'DROP',
      Filters: [
        {
          Behavior: 'KEEP',
          Requirement: 'MEETS_ANY',
          Conditions: [{ ActionCondition: { Action: 'BLOCK' } }, { ActionCondition: { Action: 'COUNT' } }],
        },
      ],
    },
  }).node.addDependency(logs);
}
