import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  casesCsv,
  DateRangeQuery,
  percentiles,
  programMetrics,
  rangeInstants,
  weekStart,
  type ReportCase,
} from '../../shared/domain/metrics.js';
import { NoteBody } from '../../shared/domain/notes.js';
import { documentClient } from '../../shared/store/dynamo.js';
import { createDynamoStore } from '../../shared/store/dynamodb/store.js';

const TZ = 'America/Chicago';

function summary(overrides: Partial<ReportCase> = {}): ReportCase {
  return {
    referralId: 'MR-AAAAAAAA',
    status: 'awaiting_review',
    urgency: 'routine',
    reasons: [],
    createdAt: '2026-11-04T15:00:00.000Z',
    ...overrides,
  };
}

describe('metrics date range', () => {
  const errors = (query: unknown) => {
    const r = DateRangeQuery.safeParse(query);
    return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
  };

  it('takes two real days, the same day twice, and up to 366 days', () => {
    expect(errors({ from: '2026-11-01', to: '2026-11-30' })).toEqual([]);
    expect(errors({ from: '2026-11-01', to: '2026-11-01' })).toEqual([]);
    expect(errors({ from: '2024-01-01', to: '2024-12-31' })).toEqual([]);
  });

  it('names the bad parameter', () => {
    expect(errors({})).toEqual(['from', 'to']);
    expect(errors({ from: '2026-02-29', to: '2026-03-01' })).toEqual(['from']);
    expect(errors({ from: '2026-11-02', to: '2026-11-01' })).toEqual(['to']);
    expect(errors({ from: '2024-01-01', to: '2025-01-01' })).toEqual(['to']);
    expect(errors({ from: '2026-11-01T00:00:00Z', to: '2026-11-02' })).toEqual(['from']);
  });

  it('covers the program days from the first midnight to the midnight after the last day, DST included', () => {
    // 2026-11-01 is 25 hours long in Chicago
    expect(rangeInstants({ from: '2026-11-01', to: '2026-11-01' }, TZ)).toEqual({
      start: '2026-11-01T05:00:00.000Z',
      end: '2026-11-02T06:00:00.000Z',
    });
  });
});

describe('weeks', () => {
  it('start on Monday', () => {
    expect(weekStart('2026-11-02')).toBe('2026-11-02'); // a Monday
    expect(weekStart('2026-11-08')).toBe('2026-11-02'); // the Sunday after
    expect(weekStart('2026-11-09')).toBe('2026-11-09');
    expect(weekStart('2027-01-01')).toBe('2026-12-28');
  });
});

describe('percentiles', () => {
  it('are empty without values', () => {
    expect(percentiles([])).toEqual({ accepted: 0, medianMinutes: null, p90Minutes: null });
  });

  it('interpolate between ranks', () => {
    expect(percentiles([10])).toEqual({ accepted: 1, medianMinutes: 10, p90Minutes: 10 });
    expect(percentiles([30, 10])).toEqual({ accepted: 2, medianMinutes: 20, p90Minutes: 28 });
    expect(percentiles([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100])).toEqual({ accepted: 11, medianMinutes: 6, p90Minutes: 10 });
    expect(percentiles([1.04, 1.06])).toEqual({ accepted: 2, medianMinutes: 1.1, p90Minutes: 1.1 });
  });
});

describe('program metrics', () => {
  const range = { from: '2026-11-01', to: '2026-11-14' };

  it('lists every week the range touches, empty ones too, and counts each case in the week of its program day', () => {
    const cases = [
      // Sunday 2026-11-08 23:30 in Chicago is Monday 05:30 UTC: still the week of 2026-11-02
      summary({ referralId: 'MR-00000001', createdAt: '2026-11-09T05:30:00.000Z', urgency: 'urgent', status: 'paging' }),
      summary({ referralId: 'MR-00000002', createdAt: '2026-11-09T06:30:00.000Z' }),
    ];

    const m = programMetrics(cases, range, TZ);

    expect(m.weeks.map((w) => [w.weekStart, w.total])).toEqual([
      ['2026-10-26', 0],
      ['2026-11-02', 1],
      ['2026-11-09', 1],
    ]);
    expect(m.weeks[1].urgency).toEqual({ urgent: 1, routine: 0 });
    expect(m.weeks[1].status.paging).toBe(1);
    expect(m.weeks[2].status.awaiting_review).toBe(1);
    expect(m.total).toBe(2);
  });

  it('times submit to accept per urgency and counts the outcomes of closed cases', () => {
    const at = (minutes: number) => new Date(Date.parse('2026-11-04T15:00:00.000Z') + minutes * 60_000).toISOString();
    const cases = [
      summary({ urgency: 'urgent', status: 'assigned', assignedAt: at(5) }),
      summary({ urgency: 'urgent', status: 'closed', assignedAt: at(15), outcome: 'parole_granted', closedAt: at(9000) }),
      summary({ urgency: 'urgent', status: 'closed', outcome: 'withdrawn' }),
      summary({ urgency: 'routine', status: 'released', assignedAt: at(600) }),
    ];

    const m = programMetrics(cases, range, TZ);

    expect(m.timeToAccept).toEqual({
      all: { accepted: 3, medianMinutes: 15, p90Minutes: 483 },
      urgent: { accepted: 2, medianMinutes: 10, p90Minutes: 14 },
      routine: { accepted: 1, medianMinutes: 600, p90Minutes: 600 },
    });
    expect(m.outcomes).toEqual({ parole_granted: 1, parole_denied: 0, transferred: 0, removed: 0, withdrawn: 1, care_established: 0 });
  });
});

describe('care after release metrics', () => {
  const range = { from: '2026-11-01', to: '2026-11-14' };
  // released on 2026-11-10; instants are 15:00 UTC = 09:00 in Chicago
  const released = (overrides: Partial<ReportCase>) => summary({ status: 'released', releasedOn: '2026-11-10', ...overrides });
  const cases = [
    released({ referralId: 'MR-00000001', firstHandoffAt: '2026-11-12T15:00:00.000Z', careEstablishedAt: '2026-12-10T15:00:00.000Z' }),
    released({ referralId: 'MR-00000002', firstHandoffAt: '2026-11-17T15:00:00.000Z' }), // day 7: within
    released({ referralId: 'MR-00000003', firstHandoffAt: '2026-11-18T15:00:00.000Z' }), // day 8: late
    released({
      referralId: 'MR-00000004',
      status: 'closed',
      outcome: 'care_established',
      closedAt: '2026-12-11T15:00:00.000Z', // day 31: late
      firstHandoffAt: '2026-11-10T20:00:00.000Z',
    }),
    released({ referralId: 'MR-00000005' }),
    summary({ referralId: 'MR-00000006', status: 'closed', outcome: 'care_established', closedAt: '2026-11-20T15:00:00.000Z' }),
  ];

  it('counts handoffs within 7 days and care within 30 among the released patients, and the median days to handoff', () => {
    expect(programMetrics(cases, range, TZ).care).toEqual({
      released: 5,
      handoffWithin7Days: { count: 3, share: 0.6 },
      careEstablishedWithin30Days: { count: 1, share: 0.2 },
      medianDaysToHandoff: 4.5,
    });
    expect(programMetrics([], range, TZ).care).toEqual({
      released: 0,
      handoffWithin7Days: { count: 0, share: null },
      careEstablishedWithin30Days: { count: 0, share: null },
      medianDaysToHandoff: null,
    });
  });

  it('writes the release, first handoff and care dates to the CSV, and the days between', () => {
    const rows = casesCsv(cases.slice(0, 1), TZ).split('\r\n');
    expect(rows[1]!.split(',').slice(-4)).toEqual(['2026-11-10', '2026-11-12T15:00:00.000Z', '2', '2026-12-10T15:00:00.000Z']);
  });
});

describe('cases CSV', () => {
  it('has a header and one row per case, oldest first, reasons joined by semicolons', () => {
    const csv = casesCsv(
      [
        summary({ referralId: 'MR-00000002', createdAt: '2026-11-05T15:00:00.000Z' }),
        summary({
          referralId: 'MR-00000001',
          urgency: 'urgent',
          reasons: ['attorney_marked_urgent', 'risk:pregnancy'],
          status: 'closed',
          assignedAt: '2026-11-04T15:12:30.000Z',
          closedAt: '2026-11-20T16:00:00.000Z',
          outcome: 'parole_granted',
        }),
      ],
      TZ,
    );

    expect(csv.split('\r\n')).toEqual([
      'referral_id,submitted_at,submitted_date,week_start,urgency,reasons,status,hold_reason,accepted_at,minutes_to_accept,closed_at,outcome,released_on,first_handoff_at,days_to_handoff,care_established_at',
      'MR-00000001,2026-11-04T15:00:00.000Z,2026-11-04,2026-11-02,urgent,attorney_marked_urgent;risk:pregnancy,closed,,2026-11-04T15:12:30.000Z,12.5,2026-11-20T16:00:00.000Z,parole_granted,,,,',
      'MR-00000002,2026-11-05T15:00:00.000Z,2026-11-05,2026-11-02,routine,,awaiting_review,,,,,,,,,',
      '',
    ]);
  });

  it('carries only the summary fields, whatever else a case holds', () => {
    const withPhi = { ...summary(), referral: { client: { givenName: 'María' } } } as unknown as ReportCase;
    expect(casesCsv([withPhi], TZ)).not.toContain('María');
  });
});

describe('cases by creation date', () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  const store = createDynamoStore(documentClient(new DynamoDBClient({ region: 'us-east-1' })), 'medreview');
  beforeEach(() => ddb.reset());

  it('is read for the range asked on the cases index, never by a scan', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });

    await store.casesCreatedBetween('2026-10-20T05:00:00.000Z', '2026-12-02T06:00:00.000Z');

    expect(ddb.commandCalls(ScanCommand)).toHaveLength(0);
    const inputs = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(inputs).toHaveLength(1);
    expect(inputs[0]).toMatchObject({
      IndexName: 'cases',
      KeyConditionExpression: 'casesPk = :pk AND casesSk BETWEEN :start AND :end',
      ExpressionAttributeValues: { ':pk': 'CASE', ':start': '2026-10-20T05:00:00.000Z', ':end': '2026-12-02T06:00:00.000Z' },
    });
  });

  it('follows every page of the range', async () => {
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [{ referralId: 'MR-00000001', casesPk: 'CASE', casesSk: 'x' }], LastEvaluatedKey: { pk: 'a' } })
      .resolvesOnce({ Items: [{ referralId: 'MR-00000002' }] });

    const cases = await store.casesCreatedBetween('2026-11-02T06:00:00.000Z', '2026-11-09T06:00:00.000Z');

    expect(cases).toEqual([{ referralId: 'MR-00000001' }, { referralId: 'MR-00000002' }]);
    expect(ddb.commandCalls(QueryCommand)[1].args[0].input.ExclusiveStartKey).toEqual({ pk: 'a' });
  });
});

describe('note body', () => {
  const ok = (text: unknown) => NoteBody.safeParse({ text }).success;

  it('takes newlines, tabs and any script, up to 4000 characters', () => {
    expect(ok('Called the attorney.\n\tNurse calls back at 3pm. Llamó la abogada. 律师')).toBe(true);
    expect(ok('x'.repeat(4000))).toBe(true);
  });

  it('refuses empty, blank, too long, and control characters other than newline and tab', () => {
    for (const text of [
      '',
      ' \n\t ',
      'x'.repeat(4001),
      'a\u0000b',
      'a\rb',
      'line one\r\nline two',
      'a\u001bb',
      'a\u007fb',
      'a\u009bb',
      undefined,
      5,
    ]) {
      expect(ok(text), JSON.stringify(text)).toBe(false);
    }
  });
});
