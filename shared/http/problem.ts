import {
  AlreadyAcceptedError,
  CaseClosedError,
  CaseNotFoundError,
  CaseStateError,
  CaseTakenError,
  type DomainError,
  DocumentLimitError,
  DocumentNotAvailableError,
  DocumentNotFoundError,
  InvalidInputError,
  LinkExpiredError,
  LinkInvalidError,
  LinkUsedError,
  OfferClosedError,
  OfferNotFoundError,
  TryAgainError,
  UnknownDoctorError,
} from '../domain/errors.js';

/**
 * The one table from domain errors to HTTP: status and title of the problem+json answer (the error's
 * message is its detail). The first row whose class the error is an instance of wins.
 */
export const PROBLEMS: [new (...args: never[]) => DomainError, number, string][] = [
  [CaseNotFoundError, 404, 'Not Found'],
  [OfferNotFoundError, 404, 'Not Found'],
  [UnknownDoctorError, 404, 'Not Found'],
  [DocumentNotFoundError, 404, 'Not Found'],
  [DocumentLimitError, 409, 'Conflict'],
  [DocumentNotAvailableError, 409, 'Conflict'],
  [LinkInvalidError, 403, 'Forbidden'],
  [LinkExpiredError, 410, 'Gone'],
  [LinkUsedError, 410, 'Gone'],
  [OfferClosedError, 410, 'Gone'],
  [CaseClosedError, 409, 'Conflict'],
  [CaseTakenError, 409, 'Conflict'],
  [AlreadyAcceptedError, 409, 'Conflict'],
  [CaseStateError, 409, 'Conflict'],
  [InvalidInputError, 422, 'Unprocessable Content'],
  [TryAgainError, 503, 'Service Unavailable'],
];

/** Status and title for a domain error; undefined for anything else (which becomes a 500). */
export function problemFor(error: unknown): { status: number; title: string } | undefined {
  const row = PROBLEMS.find(([type]) => error instanceof type);
  return row && { status: row[1], title: row[2] };
}

/** What AWS answers when it throttles or is briefly unavailable (the SDK's own retries already ran). */
const UNAVAILABLE = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'LimitExceededException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalServerError',
  'InternalServerException',
  'InternalFailure',
  'TimeoutError',
]);
const NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);

type AwsError = Error & { $retryable?: unknown; $fault?: string; $metadata?: { httpStatusCode?: number }; code?: string };

/**
 * A throttle, a 5xx or a dropped connection from an AWS service, also when wrapped (`cause`, as
 * Powertools idempotency wraps its store's errors): the request decided nothing that a retry with
 * the same Idempotency-Key would not finish, so it is answered 503, never 500.
 */
export function isUnavailable(error: unknown): boolean {
  for (let e = error as AwsError | undefined, depth = 0; e && depth < 5; e = e.cause as AwsError | undefined, depth++) {
    const status = e.$metadata?.httpStatusCode ?? 0;
    if (e.$retryable || e.$fault === 'server' || status === 429 || status >= 500) return true;
    if (UNAVAILABLE.has(e.name) || (e.code && NETWORK.has(e.code))) return true;
  }
  return false;
}
