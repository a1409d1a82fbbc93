import middy from '@middy/core';
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import type { Context } from 'aws-lambda';
import { dateIn } from '../../shared/domain/dates.js';
import { isHoneypotFilled, referralSchema, type Referral } from '../../shared/domain/referral.js';
import { validBody } from '../../shared/http/body.js';
import { wire, type DepsOf } from '../../shared/deps.js';
import { BadRequestError, ConflictError, UnprocessableError } from '../../shared/http/errors.js';
import { kmsKeyedHash } from '../../shared/hash/kms.js';
import { dynamoIdempotency } from '../../shared/idempotency/dynamodb.js';
import { dynamoStore } from '../../shared/store/dynamo.js';
import { json, jsonBody, lowerCaseHeaders, problemJson, type ParsedEvent } from '../../shared/http/middleware.js';
import { submitReferral, type IntakeResult } from '../../shared/usecases/intake.js';
import { ports } from './ports.js';

const deps = wire(ports, { store: dynamoStore, idempotency: dynamoIdempotency, keyedHash: kmsKeyedHash });

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{1,255}$/;

/** POST /api/referrals */
export async function lambdaHandler(event: ParsedEvent, context: Context) {
  const key = event.headers['idempotency-key'];
  if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
    throw new BadRequestError('Idempotency-Key must be 1-255 characters of A-Z, a-z, 0-9, _ and -');
  }
  if (isHoneypotFilled(event.parsedBody)) return json(202, { status: 'received' });
  const d = deps();
  const today = dateIn(d.clock.now(), d.config.PROGRAM_TIME_ZONE);
  const { website: _honeypot, ...referral } = validBody(referralSchema(today), event.parsedBody);
  const { referralId, status, urgency, reasons } = key
    ? await submitOnce(d, key, referral, today, context)
    : await submitReferral(referral, today, d);
  // fields picked in a fixed order, so a replayed response is byte for byte the first one
  return json(201, { referralId, status, urgency, reasons }, { Location: `/api/staff/referrals/${referralId}` });
}

/** Same key and body → the first response again; same key, other body → 422; still running → 409. */
async function submitOnce(d: DepsOf<typeof ports>, key: string, body: Referral, today: string, context: Context): Promise<IntakeResult> {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'key',
    payloadValidationJmesPath: 'body',
    expiresAfterSeconds: 24 * 3600,
    hashFunction: 'sha256',
  });
  if (typeof context?.getRemainingTimeInMillis === 'function') config.registerLambdaContext(context);
  const once = makeIdempotent(async (input: { key: string; body: Referral }) => submitReferral(input.body, today, d), {
    persistenceStore: d.idempotency,
    config,
  });
  try {
    return await once({ key, body });
  } catch (error) {
    if (error instanceof IdempotencyValidationError) {
      throw new UnprocessableError('this Idempotency-Key was already used with a different body', undefined, { cause: error });
    }
    if (error instanceof IdempotencyAlreadyInProgressError) {
      throw new ConflictError('a request with this Idempotency-Key is still being processed; retry shortly', { cause: error });
    }
    throw error;
  }
}

export const handler = middy(lambdaHandler).use(lowerCaseHeaders()).use(problemJson()).use(jsonBody());
