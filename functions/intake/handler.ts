import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { dateIn } from '../../shared/domain/dates.js';
import { isHoneypotFilled, referralSchema } from '../../shared/domain/referral.js';
import { validBody } from '../../shared/http/body.js';
import { wire } from '../../shared/deps.js';
import { BadRequestError, UnprocessableError } from '../../shared/http/errors.js';
import { requireSignIn, signedInEmail } from '../../shared/http/identity.js';
import { kmsKeyedHash } from '../../shared/hash/kms.js';
import { lazyIdempotency } from '../../shared/lazy.js';
import { dynamoStore } from '../../shared/store/dynamo.js';
import { json, jsonBody, lowerCaseHeaders, problemJson, type ParsedEvent } from '../../shared/http/middleware.js';
import { submitReferral } from '../../shared/usecases/intake.js';
import { IDEMPOTENCY_KEY } from './contract.js';
import { ports } from './ports.js';

const deps = wire(ports, {
  store: dynamoStore,
  // only a request with an Idempotency-Key needs Powertools idempotency: it loads at the first such request
  idempotency: lazyIdempotency(() => import('../../shared/idempotency/dynamodb.js').then((m) => m.dynamoIdempotency)),
  keyedHash: kmsKeyedHash,
});

/** POST /api/referrals: the signed-in attorney (the token's verified email) submits. */
export async function lambdaHandler(event: ParsedEvent, context: Context) {
  const submitter = signedInEmail(event)!;
  const key = event.headers['idempotency-key'];
  if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
    throw new BadRequestError('Idempotency-Key must be 1-255 characters of A-Z, a-z, 0-9, _ and -');
  }
  if (isHoneypotFilled(event.parsedBody)) return json(202, { status: 'received' });
  const d = deps();
  const today = dateIn(d.clock.now(), d.config.PROGRAM_TIME_ZONE);
  const { website: _honeypot, ...submitted } = validBody(referralSchema(today), event.parsedBody);
  if (submitted.attorney.email !== undefined && submitted.attorney.email !== submitter) {
    throw new UnprocessableError('the request does not match the schema', [
      { path: 'attorney.email', message: 'must be the email you signed in with' },
    ]);
  }
  const referral = { ...submitted, attorney: { ...submitted.attorney, email: submitter } };
  // a key is the submitter's own: the same key from another attorney is another key
  const scoped = key && `${submitter}:${key}`;
  const { referralId, status, urgency, reasons } = scoped
    ? await d.idempotency.once(scoped, referral, () => submitReferral(referral, today, d, scoped), context)
    : await submitReferral(referral, today, d);
  // fields picked in a fixed order, so a replayed response is byte for byte the first one
  return json(201, { referralId, status, urgency, reasons }, { Location: `/api/staff/referrals/${referralId}` });
}

export const handler = middy(lambdaHandler).use(lowerCaseHeaders()).use(problemJson()).use(requireSignIn()).use(jsonBody());
