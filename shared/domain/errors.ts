import type { FieldError } from './field-errors.js';

/**
 * What can go wrong in a flow, by meaning. Use cases and handlers throw these; `shared/http/problem.ts`
 * alone maps them to status codes. Messages say what happened and never carry a submitted value.
 */
export class DomainError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** No referral with that id. */
export class CaseNotFoundError extends DomainError {
  constructor() {
    super('no such referral');
  }
}

/** The signed-in email is not a roster doctor's, so there is no doctor's page for it. */
export class UnknownDoctorError extends DomainError {
  constructor() {
    super('no doctor on the roster has this email');
  }
}

/** No offer with that id. */
export class OfferNotFoundError extends DomainError {
  constructor() {
    super('no such offer');
  }
}

/** A link token that is not the one for this offer or referral (or an id that does not exist behind a link). */
export class LinkInvalidError extends DomainError {
  constructor(what: 'offer' | 'referral' | 'verification') {
    super(what === 'verification' ? 'this verification link is not valid' : `this link is not valid for this ${what}`);
  }
}

/** A link past its expiry. */
export class LinkExpiredError extends DomainError {
  constructor() {
    super('this link has expired');
  }
}

/** A single-use link already used (an offer declined through it). */
export class LinkUsedError extends DomainError {
  constructor(detail = 'this link was already used to decline') {
    super(detail);
  }
}

/** No document with that id in the case (or one the caller may not see). */
export class DocumentNotFoundError extends DomainError {
  constructor() {
    super('no such document');
  }
}

/** The case holds as many documents as it may. */
export class DocumentLimitError extends DomainError {
  constructor(max: number) {
    super(`a case holds at most ${max} documents`);
  }
}

/** A document still being scanned, or rejected: it cannot be downloaded. */
export class DocumentNotAvailableError extends DomainError {
  constructor(status: string) {
    super(status === 'scanning' ? 'the document is still being scanned; try again in a moment' : 'the document was rejected and deleted');
  }
}

/** The case is closed: nothing more can be recorded on it. */
export class CaseClosedError extends DomainError {
  constructor() {
    super('the case is closed');
  }
}

/** The offer can no longer be answered: the case was closed or released, or the offer withdrawn. */
export class OfferClosedError extends DomainError {
  constructor(detail = 'this offer is no longer open') {
    super(detail);
  }
}

/** Another doctor accepted first. */
export class CaseTakenError extends DomainError {
  constructor() {
    super('another doctor already accepted this case');
  }
}

/** The doctor already accepted this case, so the offer cannot be declined. */
export class AlreadyAcceptedError extends DomainError {
  constructor() {
    super('you already accepted this case; ask a coordinator to reassign it');
  }
}

/** The case is not in a state that allows this (e.g. approving a case that is not waiting), or changed meanwhile. */
export class CaseStateError extends DomainError {}

/** Input that breaks a domain rule, named field by field (never echoing a value). */
export class InvalidInputError extends DomainError {
  constructor(
    message: string,
    readonly errors: FieldError[],
  ) {
    super(message);
  }
}

/**
 * A write kept meeting contention (a transaction conflict, throttling) after its retries: nothing was
 * decided, the caller should try again shortly. Never read as "taken" or "closed".
 */
export class TryAgainError extends DomainError {
  constructor(options?: ErrorOptions) {
    super('the system is busy and nothing was changed; please try again', options);
  }
}
