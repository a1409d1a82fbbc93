import { Logger } from '@aws-lambda-powertools/logger';

let powertools: Logger | undefined;
const instance = () => (powertools ??= new Logger({ serviceName: 'medreview' }));

/**
 * Structured logs only: ids as keys, never a request body, name, phone or A-number. The functions log only
 * warnings and errors, so the Powertools logger is made at the first of them, not at every cold start.
 */
export const logger: Pick<Logger, 'warn' | 'error'> = {
  warn: (input, ...extra) => instance().warn(input, ...extra),
  error: (input, ...extra) => instance().error(input, ...extra),
};
