import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { jobFor } from '../../shared/domain/lanes.js';
import type { Ports } from '../../shared/deps.js';
import { lanePriority, MAX_YIELD_MS, runLane } from '../../shared/stream/lane.js';
import { JOBS } from '../../shared/usecases/dispatch.js';

type Record = DynamoDBStreamEvent['Records'][number];
let seq = 100;

/** A stream record as Lambda delivers it, for a case item (or another item with `sk`). */
function change(
  eventName: 'INSERT' | 'MODIFY',
  after: string | undefined,
  before?: string,
  { id = 'MR-AAAAAAAA', sk = 'REF' } = {},
): Record {
  const image = (status?: string) => (status ? { pk: { S: `REF#${id}` }, sk: { S: sk }, status: { S: status } } : undefined);
  return {
    eventName,
    dynamodb: {
      Keys: { pk: { S: `REF#${id}` }, sk: { S: sk } },
      NewImage: image(after),
      OldImage: image(before),
      SequenceNumber: String(seq++),
    },
  } as Record;
}

describe('which lane takes a stream record', () => {
  it('sends a case created as paging to the urgent lane (wave 1) and to the routine lane (receipt)', () => {
    expect(jobFor('urgent', change('INSERT', 'paging'))).toBe('page');
    expect(jobFor('routine', change('INSERT', 'paging'))).toBe('created');
  });

  it('pages a case that changed into paging from another status (approved or verified later)', () => {
    expect(jobFor('urgent', change('MODIFY', 'paging', 'held'))).toBe('page');
    expect(jobFor('urgent', change('MODIFY', 'paging', 'awaiting_verification'))).toBe('page');
  });

  it('leaves every other change out of the urgent lane: routine cases, wave updates, accepts, other items', () => {
    expect(jobFor('urgent', change('INSERT', 'awaiting_review'))).toBeUndefined();
    expect(jobFor('urgent', change('MODIFY', 'paging', 'paging'))).toBeUndefined();
    expect(jobFor('urgent', change('MODIFY', 'assigned', 'paging'))).toBeUndefined();
    expect(jobFor('urgent', change('INSERT', 'paging', undefined, { sk: 'OFFER#d-ana' }))).toBeUndefined();
  });

  it('gives the routine lane new cases and accepts, not repeated writes to an assigned case', () => {
    expect(jobFor('routine', change('INSERT', 'awaiting_review'))).toBe('created');
    expect(jobFor('routine', change('MODIFY', 'assigned', 'escalated'))).toBe('assigned');
    expect(jobFor('routine', change('MODIFY', 'assigned', 'assigned'))).toBeUndefined();
    expect(jobFor('routine', change('MODIFY', 'escalated', 'paging'))).toBeUndefined();
  });
});

describe('which changes let a case out of waiting (routine lane)', () => {
  const admitted = (before: string | undefined, after: string) => jobFor('routine', change('MODIFY', after, before)) === 'admitted';

  it('a case leaving awaiting_verification or held, into paging, awaiting_review or held', () => {
    expect(admitted('awaiting_verification', 'paging')).toBe(true);
    expect(admitted('awaiting_verification', 'awaiting_review')).toBe(true);
    expect(admitted('awaiting_verification', 'held')).toBe(true);
    expect(admitted('held', 'paging')).toBe(true);
    expect(admitted('held', 'awaiting_review')).toBe(true);
  });

  it('not a hold itself, nor any other change', () => {
    expect(admitted('paging', 'held')).toBe(false);
    expect(admitted('held', 'held')).toBe(false);
    expect(admitted('held', 'closed')).toBe(false);
    expect(admitted('paging', 'escalated')).toBe(false);
    expect(admitted(undefined, 'paging')).toBe(false);
  });

  it('a routine case set aside in review (new attorney, daily allowance) whose hold a coordinator dropped, and no other change of it', () => {
    const setAside = (holdReason?: string) => ({
      pk: { S: 'REF#MR-AAAAAAAA' },
      sk: { S: 'REF' },
      status: { S: 'awaiting_review' },
      ...(holdReason ? { holdReason: { S: holdReason } } : {}),
    });
    const modify = (before?: string, after?: string) =>
      ({ eventName: 'MODIFY', dynamodb: { Keys: { sk: { S: 'REF' } }, OldImage: setAside(before), NewImage: setAside(after) } }) as Record;
    expect(jobFor('routine', modify('new_submitter', undefined))).toBe('admitted');
    expect(jobFor('routine', modify('new_submitter', 'new_submitter'))).toBeUndefined();
    expect(jobFor('routine', modify(undefined, undefined))).toBeUndefined();
    expect(jobFor('routine', modify('routine_limit', undefined))).toBe('admitted');
    expect(jobFor('routine', modify('duplicate', undefined))).toBeUndefined();
    expect(jobFor('urgent', modify('new_submitter', undefined))).toBeUndefined();
  });
});

describe('a lane batch', () => {
  afterEach(() => vi.restoreAllMocks());

  it("runs referrals in parallel, each in order, and reports only the failed record and its referral's later ones", async () => {
    const ran: string[] = [];
    let running = 0;
    let most = 0;
    vi.spyOn(JOBS, 'created').mockImplementation(async (id) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 20));
      running--;
      if (id === 'MR-BBBBBBBB') throw new Error('SES down');
      ran.push(`created ${id}`);
    });
    vi.spyOn(JOBS, 'assigned').mockImplementation(async (id) => void ran.push(`assigned ${id}`));
    const records = [
      change('INSERT', 'awaiting_review', undefined, { id: 'MR-AAAAAAAA' }),
      change('INSERT', 'awaiting_review', undefined, { id: 'MR-BBBBBBBB' }),
      change('INSERT', 'awaiting_review', undefined, { id: 'MR-CCCCCCCC' }),
      change('MODIFY', 'assigned', 'awaiting_review', { id: 'MR-BBBBBBBB' }),
      change('MODIFY', 'assigned', 'awaiting_review', { id: 'MR-AAAAAAAA' }),
    ];

    const result = await runLane('routine', { Records: records }, {} as Ports);

    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([records[1], records[3]].map((r) => r.dynamodb!.SequenceNumber));
    expect(ran).toContain('created MR-CCCCCCCC');
    expect(ran.indexOf('created MR-AAAAAAAA')).toBeLessThan(ran.indexOf('assigned MR-AAAAAAAA'));
    expect(ran).not.toContain('assigned MR-BBBBBBBB');
    expect(most).toBeGreaterThan(1);
  });
});

describe('urgent work first, in one process', () => {
  it('holds a routine database call back while an urgent job runs, then lets it go', async () => {
    const order: string[] = [];
    let finishUrgent!: () => void;
    const urgent = lanePriority.run('urgent', () => new Promise<void>((r) => (finishUrgent = r)).then(() => void order.push('urgent')));
    const routine = lanePriority.run('routine', async () => {
      await lanePriority.yieldToUrgent(); // as the local DynamoDB client does before each call
      order.push('routine');
    });
    await new Promise((r) => setTimeout(r, 20));
    finishUrgent();
    await Promise.all([urgent, routine]);
    expect(order).toEqual(['urgent', 'routine']);
  });

  it('never stops both lanes when an urgent job waits on a read a routine job started (a shared cached read)', async () => {
    let sharedRead: Promise<string> | undefined;
    // the roster cache: the first caller starts the read, later callers await the same promise
    const roster = () =>
      (sharedRead ??= (async () => {
        await lanePriority.yieldToUrgent();
        return 'roster';
      })());
    let urgentStarted!: () => void;
    const started = new Promise<void>((r) => (urgentStarted = r));
    let routineRead!: () => void;
    const readStarted = new Promise<void>((r) => (routineRead = r));
    const urgent = lanePriority.run('urgent', async () => {
      urgentStarted();
      await readStarted;
      return roster();
    });
    await started;
    const routine = lanePriority.run('routine', async () => {
      const read = roster();
      routineRead();
      return read;
    });
    const t = performance.now();
    const outcome = await Promise.race([Promise.all([urgent, routine]), new Promise((r) => setTimeout(() => r('stalled'), 5_000))]);
    expect(outcome).toEqual(['roster', 'roster']);
    expect(performance.now() - t).toBeLessThan(MAX_YIELD_MS + 1_000);
  });
});
