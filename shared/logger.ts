import type { Logger } from '@aws-lambda-powertools/logger';

type Fields = Record<string, unknown>;

let powertools: Promise<Logger> | undefined;
const instance = () =>
  (powertools ??= import('@aws-lambda-powertools/logger').then(({ Logger }) => new Logger({ serviceName: 'medreview' })));

/** Writes one entry; if Powertools cannot load, the entry still reaches the log as JSON on stderr. */
async function write(level: 'warn' | 'error', message: string, fields: Fields = {}): Promise<void> {
  try {
    (await instance())[level](message, fields);
  } catch {
    powertools = undefined;
    console.error(JSON.stringify({ level: level.toUpperCase(), message, ...fields }));
  }
}

/**
 * Structured logs only: ids as keys, never a request body, name, phone or A-number. The functions log only
 * warnings and errors, on rare paths, so Powertools loads at the first of them rather than at every cold
 * start; a call resolves once the entry is written and never throws.
 */
export const logger = {
  warn: (message: string, fields?: Fields) => write('warn', message, fields),
  error: (message: string, fields?: Fields) => write('error', message, fields),
};
