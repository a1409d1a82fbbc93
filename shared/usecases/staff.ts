import { z } from 'zod';
import type { Ports } from '../deps.js';
import { STATUSES } from '../domain/types.js';
import { NotFoundError, UnprocessableError } from '../http/errors.js';
import { BadCursorError } from '../store/store.js';

/** The staff list's query: filters (each served by an index) and paging. */
export const ListQuery = z.object({
  status: z.enum(STATUSES, { error: `must be one of: ${STATUSES.join(', ')}` }).optional(),
  limit: z.coerce.number({ error: 'must be a whole number from 1 to 200' }).int('must be a whole number from 1 to 200')
    .min(1, 'must be a whole number from 1 to 200').max(200, 'must be a whole number from 1 to 200').default(50),
  cursor: z.string().min(1).max(1000).optional(),
});

/**
 * One page of cases, newest first: `limit` items and `nextCursor` while more follow. A cursor that
 * this list did not hand out (or with other filters) is a 422 at `cursor`.
 */
export async function listCases(query: z.output<typeof ListQuery>, p: Pick<Ports, 'store'>) {
  try {
    const page = await p.store.pageCases({ status: query.status }, query.limit, query.cursor);
    const items = page.items.map(({ referralId, status, urgency, createdAt, assignedDoctorId }) => ({ referralId, status, urgency, createdAt, assignedDoctorId }));
    return page.nextCursor ? { items, nextCursor: page.nextCursor } : { items };
  } catch (error) {
    if (error instanceof BadCursorError) {
      throw new UnprocessableError('invalid cursor', [{ path: 'cursor', message: 'is not a cursor of this list; start again without it' }], { cause: error });
    }
    throw error;
  }
}

/** The full case with offers and timeline; the read itself goes on the timeline first (who, when). */
export async function caseDetail(referralId: string, actor: string, p: Pick<Ports, 'store' | 'clock'>) {
  const record = await p.store.getCase(referralId);
  if (!record) throw new NotFoundError('no such referral');
  await p.store.addEvent(referralId, { at: p.clock.now().toISOString(), event: 'viewed', actor });
  const [offers, timeline] = await Promise.all([p.store.listOffers(referralId), p.store.timeline(referralId)]);
  const { outcomeTokenHash: _o, outcomeTokenExpiresAt: _e, ...rest } = record;
  return {
    ...rest,
    offers: offers.map(({ tokenHashes: _t, ...offer }) => offer),
    timeline,
  };
}
