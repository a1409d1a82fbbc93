import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { createMedreview } from '../../infra/medreview.js';
import { settingsFromContext } from '../../infra/settings.js';
import { cdkContext } from './synth.js';

/** Every unacknowledged cdk-nag finding (errors and warnings), as "rule @ construct path". */
function findings(scope: IConstruct): string[] {
  return [new AwsSolutionsChecks(), new HIPAASecurityChecks()].flatMap((pack) =>
    pack
      .validateScope(scope)
      .violations.flatMap((v) => v.violatingResources.map((r) => `${v.severity} ${v.ruleName} @ ${r.constructPath}`)),
  );
}

function medreviewApp(region = 'us-east-1') {
  // A web build so the BucketDeployment (and its acknowledgements) is part of the checked tree.
  const webDist = mkdtempSync(join(tmpdir(), 'medreview-web-'));
  writeFileSync(join(webDist, 'index.html'), '<!doctype html><title>medreview</title>');
  const app = new App({ context: { ...cdkContext, region, 'aws:cdk:bundling-stacks': [] } });
  const stacks = createMedreview(app, settingsFromContext(app.node, webDist));
  return { app, ...stacks };
}

// In us-east-1 the edge stack's web ACL ARN is a plain export; elsewhere it crosses Regions through CDK's
// SSM-backed export writer and reader (custom resources that must pass the same checks).
describe.each(['us-east-1', 'eu-west-1'])('cdk-nag (AwsSolutions + HIPAA.Security) with the API in %s', (region) => {
  const { app, stateless } = medreviewApp(region);
  // Synthesis runs the registered packs and throws ValidationFailed (with the full report) on any unacknowledged finding.
  let assembly: CloudAssembly | undefined;
  let synthError: unknown;
  try {
    assembly = app.synth();
  } catch (e) {
    synthError = e;
  }

  it('reports no unacknowledged error or warning in any stack', () => {
    expect(findings(app)).toEqual([]);
    expect(synthError).toBeUndefined();
    expect(assembly!.stacks.map((s) => s.stackName).sort()).toEqual(['MedreviewEdge', 'MedreviewStateful', 'MedreviewStateless']);
    expect(assembly!.getStackByName('MedreviewEdge').environment.region).toBe('us-east-1');
    expect(assembly!.getStackByName('MedreviewStateless').environment.region).toBe(region);
    expect(stateless.node.findAll().some((c) => c.node.id === 'WebDeployment')).toBe(true);
  });

  it('writes a validation report without cdk-nag violations', () => {
    if (!assembly) throw new Error('synth failed', { cause: synthError });
    const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as {
      pluginReports: { pluginName: string; violations: unknown[] }[];
    };
    const nag = report.pluginReports.filter((r) => /AwsSolutions|HIPAA/.test(r.pluginName));
    expect(nag.flatMap((r) => r.violations)).toEqual([]);
  });

  it('gives every acknowledgement a written reason', () => {
    const acks = app.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .flatMap((m) => Object.entries(m.data as Record<string, string>));
    const nagAcks = acks.filter(([id]) => /^(Annotation::)?(AwsSolutions|HIPAA\.Security)-/i.test(id));
    expect(nagAcks.length).toBeGreaterThan(20);
    for (const [id, reason] of acks) expect(reason.trim().length, id).toBeGreaterThanOrEqual(10);
  });

  it('still catches a finding nobody acknowledged', () => {
    const probe = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    new Topic(new Stack(probe, 'Probe'), 'Plain');
    expect(findings(probe)).toEqual(
      expect.arrayContaining([
        'error AwsSolutions-SNS3 @ Probe/Plain/Resource',
        'error HIPAA.Security-SNSEncryptedKMS @ Probe/Plain/Resource',
      ]),
    );
  });
});
