import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { handler } from '../../functions/openapi/handler.js';
import { AUTH, contracts, openApiDocument } from '../../functions/openapi/document.js';
import { ROUTES } from '../../functions/routes.js';
import { checkAnswer } from '../support/openapi.js';

type Operation = {
  security: Record<string, string[]>[];
  parameters?: { name: string; in: string }[];
  requestBody?: unknown;
  responses: Record<string, { content?: Record<string, unknown> }>;
};
const document = openApiDocument();
const operation = (method: string, path: string) => (document.paths[path] as Record<string, Operation>)[method.toLowerCase()];

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document under a standard validator', async () => {
    expect(document.openapi).toBe('3.1.0');
    const result = await new Validator().validate(structuredClone(document) as never);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
  });

  it('fails the same validator when an answer loses its description (the check can fail)', async () => {
    const broken = structuredClone(document) as { paths: Record<string, Record<string, Operation>> };
    delete (broken.paths['/api/health'].get.responses['200'] as { description?: string }).description;
    expect((await new Validator().validate(broken as never)).valid).toBe(false);
  });

  it('documents every row of the route table, and nothing else', () => {
    const keys = ROUTES.map((r) => `${r.method} ${r.path}`).sort();
    expect(Object.keys(contracts()).sort()).toEqual(keys);
    const documented = Object.entries(document.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual(keys);
    for (const r of ROUTES) {
      const op = operation(r.method, r.path);
      expect(
        Object.keys(op.responses).some((s) => s.startsWith('2')),
        `${r.method} ${r.path} has a success answer`,
      ).toBe(true);
      expect(op.responses['500'].content, `${r.method} ${r.path} 500`).toHaveProperty(['application/problem+json']);
      for (const name of r.path.match(/\{(\w+)\}/g) ?? []) {
        expect(op.parameters, `${r.method} ${r.path}`).toContainEqual(expect.objectContaining({ name: name.slice(1, -1), in: 'path' }));
      }
    }
  });

  it('secures each route by its kind of auth: staff routes need the staff bearer token (401, 403), the intake an attorney’s (401), the doctor’s page a doctor’s', () => {
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(['attorney', 'doctor', 'staff']);
    for (const r of ROUTES) {
      const op = operation(r.method, r.path);
      const schemes = r.path.startsWith('/api/doctor/') ? ['doctor'] : AUTH[r.auth].security;
      expect(op.security).toEqual(schemes.map((s) => ({ [s]: [] })));
      if (r.auth === 'staff') expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['401', '403']));
    }
    expect(operation('GET', '/api/staff/referrals').security).toEqual([{ staff: [] }]);
    expect(operation('POST', '/api/referrals').security).toEqual([{ attorney: [] }]);
    expect(operation('GET', '/api/attorney/referrals').security).toEqual([{ attorney: [] }]);
    expect(operation('GET', '/api/doctor/cases/{id}').security).toEqual([{ doctor: [] }]);
    expect(Object.keys(operation('POST', '/api/referrals').responses)).toContain('401');
  });

  it('describes bodies, query parameters and headers from the schemas the handlers parse with', () => {
    const intake = operation('POST', '/api/referrals') as Operation & {
      requestBody: { content: { 'application/json': { schema: { required: string[]; additionalProperties: boolean } } } };
    };
    const body = intake.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(['attorney', 'client', 'custody', 'medical', 'request', 'consent']);
    expect(body.additionalProperties).toBe(false);
    expect(intake.parameters).toContainEqual(expect.objectContaining({ name: 'Idempotency-Key', in: 'header' }));
    expect(Object.keys(intake.responses)).toEqual(expect.arrayContaining(['201', '202', '400', '409', '413', '415', '422', '500']));
    const list = operation('GET', '/api/staff/referrals');
    expect(list.parameters?.map((p) => `${p.in}:${p.name}`)).toEqual([
      'query:status',
      'query:aNumber',
      'query:limit',
      'query:cursor',
      'query:view',
    ]);
    expect(operation('GET', '/api/staff/referrals.csv').responses['200'].content).toHaveProperty(['text/csv']);
    expect(operation('DELETE', '/api/staff/submitters/{entry}').responses['204'].content).toBeUndefined();
  });

  it('is served at GET /api/openapi.json', async () => {
    const response = await handler();
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['Content-Type']).toBe('application/json');
    expect(JSON.parse(response.body)).toEqual(document);
  });
});

describe('checking an answer against the document (what every integration test does through `call`)', () => {
  const json = 'application/json';
  const problem = 'application/problem+json';

  it('passes a documented answer, and ignores what is not an API route', () => {
    checkAnswer('GET', '/api/health', 200, json, '{"status":"ok"}');
    checkAnswer('POST', '/api/offers/abc/accept', 409, problem, '{"type":"about:blank","title":"Conflict","status":409,"detail":"taken"}');
    checkAnswer('GET', '/_local/outbox', 200, json, '{"anything":1}');
    checkAnswer('GET', '/offers/abc', 200, 'text/html', '<!doctype html>');
  });

  it('fails a status the route does not document', () => {
    expect(() => checkAnswer('GET', '/api/health', 404, problem, '{"type":"about:blank","title":"Not Found","status":404}')).toThrow(
      /GET \/api\/health answered 404: the OpenAPI document does not list that status/,
    );
  });

  it('fails a body that does not match, naming where', () => {
    expect(() => checkAnswer('GET', '/api/health', 200, json, '{"status":"fine"}')).toThrow(/does not match/);
    const leaked = { referralId: 'MR-7K3M9QXT', status: 'paging', urgency: 'urgent', reasons: [], aNumberHash: 'x' };
    expect(() => checkAnswer('POST', '/api/referrals', 201, json, JSON.stringify(leaked))).toThrow(/additional properties/);
    expect(() => checkAnswer('POST', '/api/referrals', 422, problem, '{"title":"Unprocessable Content","status":422}')).toThrow(
      /must have required property 'type'/,
    );
  });

  it('fails an undocumented media type, and a body where none is documented', () => {
    expect(() => checkAnswer('GET', '/api/health', 200, 'text/plain', 'ok')).toThrow(/documented as application\/json/);
    expect(() => checkAnswer('DELETE', '/api/staff/submitters/x.org', 204, json, '{}')).toThrow(/without a body/);
  });
});
