import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { flat, resourcesOf, synthMedreview } from './synth.js';

const { edge, edgeTemplate: e, statelessTemplate: t, statefulTemplate: s } = synthMedreview();
const [edgeAclId, edgeAcl] = Object.entries(resourcesOf(e, 'AWS::WAFv2::WebACL'))[0]!;
const rules = edgeAcl.Properties.Rules as any[];
const rule = (name: string) => rules.find((r) => r.Name === name);
const distributionConfig = () => Object.values(resourcesOf(t, 'AWS::CloudFront::Distribution'))[0]!.Properties.DistributionConfig;
const apiOrigin = (config: any) => config.Origins.find((o: any) => flat(o.DomainName).includes('.execute-api.'));

describe('edge WAF (CLOUDFRONT scope, its own stack in us-east-1)', () => {
  it('is one CLOUDFRONT-scope web ACL in a us-east-1 stack', () => {
    expect(edge.region).toBe('us-east-1');
    e.resourceCountIs('AWS::WAFv2::WebACL', 1);
    expect(edgeAcl.Properties).toMatchObject({ Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} } });
  });

  it('rate-limits every viewer by the IP CloudFront sees (not a header)', () => {
    expect(rule('rate-per-viewer')).toMatchObject({
      Action: { Block: {} },
      Statement: { RateBasedStatement: { Limit: 300, EvaluationWindowSec: 300, AggregateKeyType: 'IP' } },
    });
    expect(rule('rate-per-viewer').Statement.RateBasedStatement.ScopeDownStatement).toBeUndefined();
  });

  it('has a tighter per-viewer rate rule scoped to POST /api/referrals', () => {
    const intake = rule('rate-intake-per-viewer');
    expect(intake.Action).toEqual({ Block: {} });
    const rate = intake.Statement.RateBasedStatement;
    expect(rate).toMatchObject({ AggregateKeyType: 'IP', Limit: 10 });
    expect(rate.Limit).toBeLessThan(rule('rate-per-viewer').Statement.RateBasedStatement.Limit);
    const [method, path] = rate.ScopeDownStatement.AndStatement.Statements.map((st: any) => st.ByteMatchStatement);
    expect(method).toMatchObject({ FieldToMatch: { Method: {} }, PositionalConstraint: 'EXACTLY', SearchString: 'POST' });
    expect(path).toMatchObject({ FieldToMatch: { UriPath: {} }, PositionalConstraint: 'EXACTLY', SearchString: '/api/referrals' });
    expect(path.TextTransformations.map((x: any) => x.Type)).toEqual(['LOWERCASE', 'NORMALIZE_PATH']);
  });

  it('runs the AWS core rule set, known bad inputs and IP reputation managed rule groups', () => {
    const groups = rules.filter((r) => r.Statement.ManagedRuleGroupStatement).map((r) => r.Statement.ManagedRuleGroupStatement);
    expect(groups.map((g) => `${g.VendorName}/${g.Name}`).sort()).toEqual([
      'AWS/AWSManagedRulesAmazonIpReputationList',
      'AWS/AWSManagedRulesCommonRuleSet',
      'AWS/AWSManagedRulesKnownBadInputsRuleSet',
    ]);
    for (const r of rules.filter((x) => x.Statement.ManagedRuleGroupStatement)) expect(r.OverrideAction).toEqual({ None: {} });
    // only the core set's 8 KB body limit is counted instead of blocked: a valid referral may be longer
    const crs = groups.find((g) => g.Name === 'AWSManagedRulesCommonRuleSet');
    expect(crs.RuleActionOverrides).toEqual([{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }]);
    expect(new Set(rules.map((r) => r.Priority)).size).toBe(rules.length);
  });

  it('logs blocked and counted requests to a KMS-encrypted aws-waf-logs- group in us-east-1', () => {
    e.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      ResourceArn: { 'Fn::GetAtt': [edgeAclId, 'Arn'] },
      LoggingFilter: Match.objectLike({ DefaultBehavior: 'DROP' }),
    });
    e.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: 'aws-waf-logs-MedreviewEdge', KmsKeyId: Match.anyValue() });
  });

  it('is the web ACL of the distribution (a plain export when the API is in us-east-1)', () => {
    expect(distributionConfig().WebACLId).toEqual({
      'Fn::ImportValue': expect.stringMatching(/^MedreviewEdge:ExportsOutputFnGetAttEdgeWafArn/),
    });
  });

  it('reaches a distribution in another Region through the cross-Region reference', () => {
    const other = synthMedreview({}, 'eu-west-1');
    expect(other.stateless.region).toBe('eu-west-1');
    expect(other.edge.region).toBe('us-east-1');
    const config = Object.values(resourcesOf(other.statelessTemplate, 'AWS::CloudFront::Distribution'))[0]!.Properties.DistributionConfig;
    const [readerId] = Object.keys(resourcesOf(other.statelessTemplate, 'Custom::CrossRegionExportReader'));
    expect(config.WebACLId['Fn::GetAtt'][0]).toBe(readerId);
    other.edgeTemplate.hasResourceProperties('Custom::CrossRegionExportWriter', {
      WriterProps: { region: 'eu-west-1', exports: Match.objectLike({}) },
    });
  }, 60_000);
});

describe('origin verify: only CloudFront reaches the regional API', () => {
  const secrets = resourcesOf(t, 'AWS::SecretsManager::Secret');
  const [secretId, secret] = Object.entries(secrets)[0]!;
  const resolveOf = (id: string) => `{{resolve:secretsmanager:<${id}>:SecretString:::}}`;
  const regional = Object.values(resourcesOf(t, 'AWS::WAFv2::WebACL'))[0]!;
  const verifyRule = regional.Properties.Rules.find((r: any) => r.Name === 'origin-verify');

  it('keeps the value in a generated, KMS-encrypted Secrets Manager secret', () => {
    expect(Object.keys(secrets)).toHaveLength(1);
    expect(secret.Properties.GenerateSecretString).toMatchObject({ PasswordLength: 48, ExcludePunctuation: true });
    expect(flat(secret.Properties.KmsKeyId)).toMatch(/KeyArn|Key.*Arn/);
  });

  it('has CloudFront add it to every API request as x-origin-verify', () => {
    const origin = apiOrigin(distributionConfig());
    expect(origin.OriginCustomHeaders).toHaveLength(1);
    expect(origin.OriginCustomHeaders[0].HeaderName).toBe('x-origin-verify');
    expect(flat(origin.OriginCustomHeaders[0].HeaderValue)).toBe(resolveOf(secretId));
  });

  it('blocks, first thing in the regional WAF, every request whose header is not exactly that value', () => {
    expect(verifyRule).toMatchObject({ Priority: 0, Action: { Block: {} } });
    const match = verifyRule.Statement.NotStatement.Statement.ByteMatchStatement;
    expect(match).toMatchObject({
      FieldToMatch: { SingleHeader: { Name: 'x-origin-verify' } },
      PositionalConstraint: 'EXACTLY',
      TextTransformations: [{ Priority: 0, Type: 'NONE' }],
    });
    expect(flat(match.SearchString)).toBe(resolveOf(secretId));
    const [association] = Object.values(resourcesOf(t, 'AWS::WAFv2::WebACLAssociation'));
    expect(flat(association!.Properties.ResourceArn)).toMatch(/\/restapis\/<ApiF70053CD>\/stages\//);
  });

  it('keeps the header out of the regional WAF logs and sampled requests', () => {
    t.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      RedactedFields: Match.arrayWith([{ SingleHeader: { Name: 'x-origin-verify' } }]),
    });
    expect(verifyRule.VisibilityConfig.SampledRequestsEnabled).toBe(false);
  });

  it('rotates without downtime: version 2 is sent, versions 2 and 1 are accepted', () => {
    const rotated = synthMedreview({ originVerifyVersion: 2 }).statelessTemplate;
    const ids = Object.keys(resourcesOf(rotated, 'AWS::SecretsManager::Secret'));
    expect(ids).toHaveLength(2);
    const [v2, v1] = [ids.find((i) => i.startsWith('OriginVerifyV2'))!, ids.find((i) => i.startsWith('OriginVerifyV1'))!];
    expect(v1).toBe(secretId); // the same resource as before the bump: its value does not change
    const config = Object.values(resourcesOf(rotated, 'AWS::CloudFront::Distribution'))[0]!.Properties.DistributionConfig;
    expect(flat(apiOrigin(config).OriginCustomHeaders[0].HeaderValue)).toBe(resolveOf(v2));
    const acl = Object.values(resourcesOf(rotated, 'AWS::WAFv2::WebACL'))[0]!;
    const either = acl.Properties.Rules[0].Statement.NotStatement.Statement.OrStatement.Statements;
    expect(either.map((st: any) => flat(st.ByteMatchStatement.SearchString))).toEqual([resolveOf(v2), resolveOf(v1)]);
  }, 60_000);
});

describe('no WAF rule anywhere trusts a client-written header', () => {
  it.each([
    ['edge', () => e],
    ['stateless', () => t],
    ['stateful', () => s],
  ])('the %s stack has no FORWARDED_IP key and no X-Forwarded-For', (_, template) => {
    const json = JSON.stringify(template().toJSON());
    expect(json).not.toMatch(/FORWARDED_IP|ForwardedIPConfig|X-Forwarded-For/i);
  });

  it('every rate-based statement aggregates on the source IP', () => {
    const rates = [e, t]
      .flatMap((tmpl) => Object.values(resourcesOf(tmpl, 'AWS::WAFv2::WebACL')))
      .flatMap((acl) => acl.Properties.Rules as any[])
      .filter((r) => r.Statement.RateBasedStatement)
      .map((r) => r.Statement.RateBasedStatement);
    expect(rates.length).toBeGreaterThanOrEqual(2);
    for (const r of rates) expect(r.AggregateKeyType).toBe('IP');
  });
});

describe('SMS protect configuration', () => {
  const [protectId, protect] = Object.entries(resourcesOf(s, 'AWS::SMSVOICE::ProtectConfiguration'))[0]!;
  const sms = protect.Properties.CountryRuleSet.SMS as { CountryCode: string; ProtectStatus: string }[];

  it('allows SMS to US numbers only and blocks every other country', () => {
    s.resourceCountIs('AWS::SMSVOICE::ProtectConfiguration', 1);
    expect(sms.filter((r) => r.ProtectStatus === 'ALLOW')).toEqual([{ CountryCode: 'US', ProtectStatus: 'ALLOW' }]);
    const blocked = sms.filter((r) => r.ProtectStatus === 'BLOCK').map((r) => r.CountryCode);
    expect(blocked.length).toBe(sms.length - 1);
    expect(blocked.length).toBeGreaterThan(200);
    expect(blocked).toEqual(expect.arrayContaining(['GB', 'CA', 'MX', 'JM', 'PR', 'HN', 'CU', 'LV']));
    expect(new Set(sms.map((r) => r.CountryCode)).size).toBe(sms.length);
  });

  it('blocks voice and MMS everywhere (the system sends neither)', () => {
    for (const kind of ['VOICE', 'MMS']) {
      const list = protect.Properties.CountryRuleSet[kind] as { ProtectStatus: string }[];
      expect(list.length).toBe(sms.length);
      expect(list.every((r) => r.ProtectStatus === 'BLOCK')).toBe(true);
    }
  });

  it('is attached to the SMS configuration set every message is sent with', () => {
    s.hasResourceProperties('AWS::SMSVOICE::ConfigurationSet', {
      ProtectConfigurationId: { 'Fn::GetAtt': [protectId, 'ProtectConfigurationId'] },
    });
    const fns = Object.values(resourcesOf(t, 'AWS::Lambda::Function')).filter(
      (f) => f.Properties.Environment?.Variables.SMS_CONFIGURATION_SET,
    );
    expect(fns.length).toBeGreaterThan(0);
    for (const f of fns) expect(flat(f.Properties.Environment.Variables.SMS_CONFIGURATION_SET)).toMatch(/SmsConfigurationSet/);
  });
});
