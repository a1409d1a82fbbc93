import { addDays, dateIn, instantAt } from './dates.js';

/**
 * The check-ins after a handoff, as data: an SMS asking "1 seen, 2 need help" on each `ask` day after
 * the handoff, at 09:00 program time, and a last look three days after the last one, when only the
 * coordinator hears of a silence. They are reminders of the case (items and schedules `rem-<step>-<id>`),
 * whose step names the day and the handoff they belong to: `checkin_day10_h2`.
 */
export const CHECK_IN_PLAN: { day: number; ask: boolean }[] = [
  { day: 3, ask: true },
  { day: 10, ask: true },
  { day: 30, ask: true },
  { day: 33, ask: false },
];
/** The check-in whose `1` means care was established. */
export const LAST_ASK_DAY = 30;
/** The hour of every check-in, as of the release's reminders (program time). */
export const CHECK_IN_TIME = '09:00';

export const checkInStep = (day: number, handoff: number) => `checkin_day${day}_h${handoff}`;

export function parseCheckInStep(step: string): { day: number; handoff: number; ask: boolean } | undefined {
  const m = /^checkin_day(\d+)_h(\d+)$/.exec(step);
  const plan = m && CHECK_IN_PLAN.find((s) => s.day === Number(m[1]));
  return plan ? { day: plan.day, handoff: Number(m![2]), ask: plan.ask } : undefined;
}

/** The check-ins of a handoff made at `at`, each due at 09:00 program time `day` days after its date. */
export function checkInPlan(at: Date, handoff: number, timeZone: string): { step: string; dueAt: string; ask: boolean }[] {
  const date = dateIn(at, timeZone);
  return CHECK_IN_PLAN.map((s) => ({
    step: checkInStep(s.day, handoff),
    ask: s.ask,
    dueAt: instantAt(addDays(date, s.day), CHECK_IN_TIME, timeZone).toISOString(),
  }));
}

/** The ask sent before this step of the same handoff (its silence is what this step notices), if any. */
export function previousAsk(step: string): string | undefined {
  const parsed = parseCheckInStep(step);
  if (!parsed) return undefined;
  const before = CHECK_IN_PLAN.filter((s) => s.ask && s.day < parsed.day).at(-1);
  return before && checkInStep(before.day, parsed.handoff);
}

/** A patient's answer: `1` (has an appointment or was seen) or `2` (needs help); anything else is not one. */
export function checkInAnswer(body: string): '1' | '2' | undefined {
  const m = /^\s*([12])\s*[.!]?\s*$/.exec(body);
  return m ? (m[1] as '1' | '2') : undefined;
}
