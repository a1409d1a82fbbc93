import * as z from '../zod.js';
import type { Ports } from '../deps.js';
import { InvalidInputError } from '../domain/errors.js';
import { BadCursorError, type CaseFilter } from '../store/port.js';

/** The paging parameters of a list of cases: `limit`, 1 to `max` (50 when left out), and the `cursor` the page before handed out. */
export function pageParams(max: number) {
  const message = `must be a whole number from 1 to ${max}`;
  return {
    limit: z._default(
      z.coerce.number({ error: message }).check(z.int({ error: message }), z.gte(1, { error: message }), z.lte(max, { error: message })),
      50,
    ),
    cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(1000))),
  };
}

/** One page of cases; a cursor this list did not hand out (or handed out with other filters) is a 422 at `cursor`. */
export async function pageOfCases(store: Pick<Ports['store'], 'pageCases'>, filter: CaseFilter, limit: number, cursor?: string) {
  try {
    return await store.pageCases(filter, limit, cursor);
  } catch (error) {
    if (error instanceof BadCursorError) {
      throw new InvalidInputError('invalid cursor', [{ path: 'cursor', message: 'is not a cursor of this list; start again without it' }]);
    }
    throw error;
  }
}
