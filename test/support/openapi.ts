import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { openApiDocument } from '../../functions/openapi/document.js';
import { ROUTES } from '../../functions/routes.js';

/**
 * Every answer of an API route that a test receives is checked against the OpenAPI document
 * (`GET /api/openapi.json`): its status must be documented for that route, its media type too, and a JSON
 * body must match the documented schema. `call` (runtime.ts) runs this on every response, so each
 * integration test checks the contract as a side effect of what it does.
 */
const document = openApiDocument();
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema({ $id: 'openapi', components: document.components }, 'openapi');

const routes = ROUTES.map((r) => ({ ...r, pattern: new RegExp(`^${r.path.replace(/\{\w+\}/g, '[^/]+').replace(/\./g, '\\.')}$`) }));
const validators = new Map<string, ValidateFunction>();

type Operation = { responses: Record<string, { content?: Record<string, { schema: object }> }> };

/** Throws when an answer of a route of the route table breaks the document; ignores everything else (pages, local hooks). */
export function checkAnswer(method: string, url: string, status: number, contentType: string | null, body: unknown): void {
  const path = new URL(url, 'http://localhost').pathname;
  const route = routes.find((r) => r.method === method && r.pattern.test(path));
  if (!route) return;
  const where = `${method} ${route.path} answered ${status}`;
  const operation = (document.paths[route.path] as Record<string, Operation>)[method.toLowerCase()];
  const answer = operation.responses[String(status)];
  if (!answer) throw new Error(`${where}: the OpenAPI document does not list that status`);
  const mediaType = (contentType ?? '').split(';')[0].trim();
  if (!answer.content) {
    if (body !== '') throw new Error(`${where}: documented without a body, but one came`);
    return;
  }
  const content = answer.content[mediaType];
  if (!content) throw new Error(`${where} as ${mediaType || 'no media type'}: documented as ${Object.keys(answer.content).join(', ')}`);
  if (!mediaType.endsWith('json')) return;
  const key = `${method} ${route.path} ${status} ${mediaType}`;
  let validate = validators.get(key);
  if (!validate) {
    // a reference into the document's components resolves against the document added above
    const schema = JSON.parse(JSON.stringify(content.schema).replaceAll('"#/components/', '"openapi#/components/'));
    validate = ajv.compile(schema);
    validators.set(key, validate);
  }
  if (!validate(JSON.parse(body as string))) {
    throw new Error(`${where}: the body does not match the OpenAPI document: ${ajv.errorsText(validate.errors, { separator: '; ' })}`);
  }
}
