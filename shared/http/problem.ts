import {
  AlreadyAcceptedError,
  CaseClosedError,
  CaseNotFoundError,
  CaseStateError,
  CaseTakenError,
  type DomainError,
  InvalidInputError,
  LinkExpiredError,
  LinkInvalidError,
  LinkUsedError,
  OfferClosedError,
  OfferNotFoundError,
  TryAgainError,
} from '../domain/errors.js';

/**
 * The one table from domain errors to HTTP: status and title of the problem+json answer (the error's
 * message is its detail). The first row whose class the error is an instance of wins.
 */
export const PROBLEMS: [new (...args: never[]) => DomainError, number, string][] = [
  [CaseNotFoundError, 404, 'Not Found'],
  [OfferNotFoundError, 404, 'Not Found'],
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
