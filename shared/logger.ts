import { Logger } from '@aws-lambda-powertools/logger';

/** Structured logs only: ids as keys, never a request body, name, phone or A-number. */
export const logger = new Logger({ serviceName: 'medreview' });
