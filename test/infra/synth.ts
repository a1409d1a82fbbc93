import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { createMedreview } from '../../infra/medreview.js';
import { type Settings, settingsFromContext } from '../../infra/settings.js';

/** The same context `cdk synth` reads, minus asset bundling (one synth in tens of ms instead of seconds). */
export const cdkContext = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context as Record<string, unknown>;

/** The stacks without the cdk-nag plugins (nag.test.ts covers those), so a missing acknowledgement fails one test, not all. */
export function synthMedreview(overrides: Partial<Settings> = {}, region = 'us-east-1') {
  const app = new App({ context: { ...cdkContext, region, 'aws:cdk:bundling-stacks': [] } });
  const settings: Settings = { ...settingsFromContext(app.node), ...overrides };
  const { stateful, stateless, edge } = createMedreview(app, settings, { nag: false });
  return {
    app,
    stateful,
    stateless,
    edge,
    statefulTemplate: Template.fromStack(stateful),
    statelessTemplate: Template.fromStack(stateless),
    edgeTemplate: Template.fromStack(edge),
  };
}

type Resource = {
  Type: string;
  Properties: Record<string, any>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  DependsOn?: string[];
};

export function resourcesOf(template: Template, type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

/** `GET /api/staff/referrals/{id}` → the Method resource, rebuilt from the Resource/ParentId chain. */
export function apiMethods(template: Template): Map<string, Resource> {
  const resources = resourcesOf(template, 'AWS::ApiGateway::Resource');
  const pathOf = (ref: unknown): string => {
    const id = (ref as { Ref?: string }).Ref;
    const r = id ? resources[id] : undefined;
    if (!r) return ''; // the RestApi root
    return `${pathOf(r.Properties.ParentId)}/${r.Properties.PathPart}`;
  };
  const out = new Map<string, Resource>();
  for (const m of Object.values(resourcesOf(template, 'AWS::ApiGateway::Method'))) {
    out.set(`${m.Properties.HttpMethod} ${pathOf(m.Properties.ResourceId)}`, m);
  }
  return out;
}

/** cdk-nag-style flattening of a resolved CloudFormation value, for readable comparisons. */
export function flat(v: unknown): string {
  if (typeof v === 'string') return v;
  const o = v as Record<string, any>;
  if (o?.['Fn::Join']) return (o['Fn::Join'][1] as unknown[]).map(flat).join(o['Fn::Join'][0]);
  if (o?.['Fn::GetAtt']) return `<${o['Fn::GetAtt'][0]}.${o['Fn::GetAtt'][1]}>`;
  if (o?.['Fn::ImportValue']) return `<import ${flat(o['Fn::ImportValue'])}>`;
  if (o?.Ref) return `<${o.Ref}>`;
  return JSON.stringify(v);
}
