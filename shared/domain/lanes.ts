/**
 * The two dispatch lanes on the table stream, as data: which stream records each lane takes (Lambda
 * event-filter patterns: the CDK stack installs them on the event source mappings, the local runtime's
 * pollers apply them the same way) and which job each kind of record starts.
 *
 * - urgent: a case that became `paging` — wave 1 of its paging. Nothing else, so no routine volume can
 *   ever sit in front of a page.
 * - routine: every new case (timeline, receipt, routine offers, coordinator notices, the verification
 *   email), every case let out of waiting (verified or approved), and every case that just got its doctor
 *   (introductions, "no longer needed").
 *
 * Routing a new status change to a lane is one more rule here.
 */

export type Lane = 'urgent' | 'routine';
export type Job = 'page' | 'created' | 'admitted' | 'assigned';

/** A Lambda event-filter pattern (the subset used here: literal lists, `anything-but` and `exists: false`). */
export type FilterPattern = { [key: string]: FilterPattern | FilterValue[] };
export type FilterValue = string | { 'anything-but': string[] } | { exists: false };

/** A case item (sort key `REF`) whose status changed into `status` from any other (or was created with it). */
const becameStatus = (status: string): FilterPattern[] => [
  { eventName: ['INSERT'], dynamodb: { Keys: { sk: { S: ['REF'] } }, NewImage: { status: { S: [status] } } } },
  {
    eventName: ['MODIFY'],
    dynamodb: {
      Keys: { sk: { S: ['REF'] } },
      NewImage: { status: { S: [status] } },
      OldImage: { status: { S: [{ 'anything-but': [status] }] } },
    },
  },
];

const caseCreated: FilterPattern = { eventName: ['INSERT'], dynamodb: { Keys: { sk: { S: ['REF'] } } } };

/**
 * A case let out of waiting: a coordinator approved a held case (or one stored awaiting verification
 * before attorneys signed in) into `paging` or `awaiting_review`, or a new attorney's routine case set
 * aside in review (a new attorney's, or one past the daily allowance: its hold reason dropped).
 */
const WAITING = ['awaiting_verification', 'held'];
/** Why a routine case waits in review without offers: a new attorney's, or one past the attorney's daily allowance. */
export const SET_ASIDE = ['new_submitter', 'routine_limit'] as const;
const caseAdmitted: FilterPattern[] = [
  ...WAITING.map((from) => ({
    eventName: ['MODIFY'],
    dynamodb: {
      Keys: { sk: { S: ['REF'] } },
      OldImage: { status: { S: [from] } },
      NewImage: { status: { S: ['paging', 'awaiting_review', 'held'].filter((to) => to !== from) } },
    },
  })),
  {
    eventName: ['MODIFY'],
    dynamodb: {
      Keys: { sk: { S: ['REF'] } },
      OldImage: { status: { S: ['awaiting_review'] }, holdReason: { S: [...SET_ASIDE] } },
      NewImage: { status: { S: ['awaiting_review'] }, holdReason: [{ exists: false }] },
    },
  },
];

export interface LaneRule {
  job: Job;
  pattern: FilterPattern;
}

export const LANES: Record<Lane, LaneRule[]> = {
  urgent: becameStatus('paging').map((pattern) => ({ job: 'page', pattern })),
  routine: [
    { job: 'created', pattern: caseCreated },
    ...caseAdmitted.map((pattern) => ({ job: 'admitted' as const, pattern })),
    { job: 'assigned', pattern: becameStatus('assigned')[1] },
  ],
};

/** The patterns of a lane (what the event source mapping's filter criteria hold). */
export const lanePatterns = (lane: Lane): FilterPattern[] => LANES[lane].map((r) => r.pattern);

/** The job a stream record (as Lambda delivers it) starts in a lane, if any. */
export function jobFor(lane: Lane, record: unknown): Job | undefined {
  return LANES[lane].find((rule) => matches(rule.pattern, record))?.job;
}

/**
 * Lambda's filter semantics for the subset above: every key of the pattern must match; a missing field
 * matches only `exists: false`, and a field that is there never does.
 */
export function matches(pattern: FilterPattern, value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = (value as Record<string, unknown>)[key];
    if (!Array.isArray(expected)) return matches(expected, actual);
    if (expected.some((e) => typeof e === 'object' && 'exists' in e)) return actual === undefined;
    if (typeof actual !== 'string') return false;
    return expected.some((e) => (typeof e === 'string' ? e === actual : 'anything-but' in e && !e['anything-but'].includes(actual)));
  });
}
