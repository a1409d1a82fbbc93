import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { allowLogsToUseKey } from './keys.js';
import { logBlockedRequests } from './waf-logs.js';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import type { Settings } from './settings.js';

export interface EdgeStackProps extends StackProps {
  readonly settings: Pick<Settings, 'wafRateLimit' | 'wafReferralRateLimit'>;
}

/** The path of the public intake; its POST gets the tighter per-viewer limit. */
export const INTAKE_PATH = '/api/referrals';

const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

/**
 * The edge WAF in front of the CloudFront distribution. A CLOUDFRONT-scope web ACL must live in us-east-1, so
 * it has its own stack there; the stateless stack reads its ARN (a cross-Region reference) for the distribution.
 * Rate rules key on the viewer's IP as CloudFront sees it (the TCP source), never on a header a client writes.
 */
export class EdgeStack extends Stack {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const managed = (name: string, priority: number, ruleActionOverrides?: wafv2.CfnWebACL.RuleActionOverrideProperty[]) => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name, ruleActionOverrides } },
      visibilityConfig: visibility(name),
    });

    this.webAcl = new wafv2.CfnWebACL(this, 'EdgeWaf', {
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('medreview-edge'),
      rules: [
        {
          name: 'rate-per-viewer',
          priority: 0,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: settings.wafRateLimit, evaluationWindowSec: 300, aggregateKeyType: 'IP' } },
          visibilityConfig: visibility('rate-per-viewer'),
        },
        {
          // the anonymous intake: a few referrals per viewer in five minutes is plenty for an attorney's office
          name: 'rate-intake-per-viewer',
          priority: 1,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              limit: settings.wafReferralRateLimit,
              evaluationWindowSec: 300,
              aggregateKeyType: 'IP',
              scopeDownStatement: {
                andStatement: {
                  statements: [
                    {
                      byteMatchStatement: {
                        fieldToMatch: { method: {} },
                        positionalConstraint: 'EXACTLY',
                        searchString: 'POST',
                        textTransformations: [{ priority: 0, type: 'NONE' }],
                      },
                    },
                    {
                      byteMatchStatement: {
                        fieldToMatch: { uriPath: {} },
                        positionalConstraint: 'EXACTLY',
                        searchString: INTAKE_PATH,
                        // `/api/referrals/` and `/API/Referrals` reach the same route: count them too
                        textTransformations: [
                          { priority: 0, type: 'LOWERCASE' },
                          { priority: 1, type: 'NORMALIZE_PATH' },
                        ],
                      },
                    },
                  ],
                },
              },
            },
          },
          visibilityConfig: visibility('rate-intake-per-viewer'),
        },
        managed('AWSManagedRulesAmazonIpReputationList', 2),
        managed('AWSManagedRulesKnownBadInputsRuleSet', 3),
        // The core rule set's 8 KB body limit would refuse a long (valid) referral; the API enforces its own 64 KiB.
        managed('AWSManagedRulesCommonRuleSet', 4, [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }]),
      ],
    });

    // WAF logs: blocked and counted requests only, into a KMS-encrypted log group of this Region.
    const key = new kms.Key(this, 'EdgeLogKey', {
      description: 'medreview edge WAF logs',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    allowLogsToUseKey(key);
    logBlockedRequests(this, 'Edge', { webAclArn: this.webAcl.attrArn, key, redactHeaders: ['authorization'] });
  }
}
