import middy from '@middy/core';
import { wire } from '../../shared/deps.js';
import { validBody } from '../../shared/http/body.js';
import { json, jsonBody, lowerCaseHeaders, problemJson, type ParsedEvent } from '../../shared/http/middleware.js';
import { dynamoStore } from '../../shared/store/dynamo.js';
import { verifySubmitter } from '../../shared/usecases/trust.js';
import { VerifyBody } from './contract.js';
import { ports } from './ports.js';

const deps = wire(ports, { store: dynamoStore });

/** POST /api/submitters/verify — the token comes from the verification link's fragment. */
export async function lambdaHandler(event: ParsedEvent) {
  const { token } = validBody(VerifyBody, event.parsedBody);
  return json(200, await verifySubmitter(token, deps()));
}

export const handler = middy(lambdaHandler)
  .use(lowerCaseHeaders())
  .use(problemJson())
  .use(jsonBody({ maxBytes: 4096 }));
