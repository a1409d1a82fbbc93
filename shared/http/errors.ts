import type { FieldError } from '../domain/field-errors.js';

/** An error that becomes an RFC 9457 problem response. Messages never carry submitted values. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    options?: ErrorOptions,
  ) {
    super(detail ?? title, options);
  }
}

export class BadRequestError extends HttpError {
  constructor(detail: string, options?: ErrorOptions) {
    super(400, 'Bad Request', detail, options);
  }
}
export class UnauthorizedError extends HttpError {
  constructor(detail = 'a valid bearer token is required') {
    super(401, 'Unauthorized', detail);
  }
}
export class ForbiddenError extends HttpError {
  constructor(detail: string) {
    super(403, 'Forbidden', detail);
  }
}
export class NotFoundError extends HttpError {
  constructor(detail: string) {
    super(404, 'Not Found', detail);
  }
}
export class ConflictError extends HttpError {
  constructor(detail: string, options?: ErrorOptions) {
    super(409, 'Conflict', detail, options);
  }
}
export class PayloadTooLargeError extends HttpError {
  constructor(limit: number) {
    super(413, 'Payload Too Large', `the body must be at most ${limit} bytes`);
  }
}
export class UnsupportedMediaTypeError extends HttpError {
  constructor() {
    super(415, 'Unsupported Media Type', 'Content-Type must be application/json');
  }
}
export class UnprocessableError extends HttpError {
  constructor(
    detail: string,
    readonly errors?: FieldError[],
    options?: ErrorOptions,
  ) {
    super(422, 'Unprocessable Content', detail, options);
  }
}
