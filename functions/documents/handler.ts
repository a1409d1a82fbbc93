import middy from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { wire } from '../../shared/deps.js';
import { s3Documents } from '../../shared/documents/s3.js';
import { validBody } from '../../shared/http/body.js';
import { partyCaller } from '../../shared/http/identity.js';
import { json, jsonBody, lowerCaseHeaders, problemJson, type ParsedEvent } from '../../shared/http/middleware.js';
import { dynamoStore } from '../../shared/store/dynamo.js';
import type { Caller } from '../../shared/usecases/parties.js';
import { caseDocuments, downloadDocument, startUpload } from '../../shared/usecases/documents.js';
import { routeKey, type RouteKey } from '../routes.js';
import { DocumentUploadBody } from './contract.js';
import { ports } from './ports.js';

const deps = wire(ports, { store: dynamoStore, documents: s3Documents });

type Action = (event: ParsedEvent, caller: Caller, referralId: string) => Promise<APIGatewayProxyResult>;

/** One entry per documents route of the route table (functions/routes.ts). */
const actions: Record<RouteKey<'documents'>, Action> = {
  'POST /api/cases/{referralId}/documents': async (event, caller, id) =>
    json(201, await startUpload(id, caller, validBody(DocumentUploadBody, event.parsedBody), deps())),
  'GET /api/cases/{referralId}/documents': async (_event, caller, id) => json(200, { items: await caseDocuments(id, caller, deps()) }),
  'GET /api/cases/{referralId}/documents/{documentId}': async (event, caller, id) =>
    json(200, await downloadDocument(id, event.pathParameters?.documentId ?? '', caller, deps())),
};

/** The case documents' routes: a coordinator, or an attorney or doctor signed in with the external pool. */
export async function lambdaHandler(event: ParsedEvent): Promise<APIGatewayProxyResult> {
  const caller = partyCaller(event);
  const action = actions[routeKey(event) as RouteKey<'documents'>];
  return action(event, caller, event.pathParameters?.referralId ?? '');
}

export const handler = middy(lambdaHandler)
  .use(lowerCaseHeaders())
  .use(problemJson())
  .use(jsonBody({ maxBytes: 4096 }));
