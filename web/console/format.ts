import { t } from './i18n.js';

export const STATUSES = [
  'paging',
  'escalated',
  'held',
  'awaiting_verification',
  'awaiting_review',
  'assigned',
  'released',
  'closed',
] as const;
export type Status = (typeof STATUSES)[number];

const STATUS_EN: Record<string, string> = {
  paging: 'Paging doctors',
  escalated: 'Escalated',
  held: 'Held',
  awaiting_verification: 'Awaiting verification (before sign-in)',
  awaiting_review: 'Awaiting review',
  assigned: 'Assigned',
  released: 'Released',
  closed: 'Closed',
};
export const statusLabel = (s: string) => (t(s) !== s ? t(s) : (STATUS_EN[s] ?? s));

const REASONS: Record<string, string> = {
  attorney_marked_urgent: 'attorney marked urgent',
  deadline_within_7_days: 'deadline within 7 days',
  age_55_plus_chronic: 'age 55+ with chronic illness',
  minor: 'minor',
};
export const reasonLabel = (r: string) => REASONS[r] ?? r.replace(/^risk:/, '').replace(/_/g, ' ');

/** `infectious_disease` → "Infectious disease". */
export const specialtyLabel = (s: string) => s.charAt(0).toUpperCase() + s.slice(1).replace(/_/g, ' ');

const HOLDS: Record<string, string> = {
  new_submitter: 'attorney not approved yet',
  submitter_limit: 'attorney or domain over the daily urgent limit',
  routine_limit: 'attorney over the daily routine limit (no offers)',
  page_budget: 'SMS page budget reached',
  duplicate: 'possible duplicate of an open case',
};
export const holdLabel = (h: string) => HOLDS[h] ?? h.replace(/_/g, ' ');

/** "12 min", "3 h 5 min", "2 d 4 h" */
export function duration(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** "in 12 min" or "12 min ago" from now. */
export function relative(at: string, now: number): string {
  const diff = Date.parse(at) - now;
  return diff >= 0 ? `in ${duration(diff)}` : `${duration(-diff)} ago`;
}

/** Days left to a YYYY-MM-DD deadline (end of that day, local), said plainly. */
export function deadlineCountdown(deadline: string, now: number): { text: string; soon: boolean } {
  const end = new Date(`${deadline}T23:59:59`).getTime();
  const days = Math.floor((end - now) / 86_400_000);
  if (end < now) return { text: `deadline ${deadline} passed`, soon: true };
  if (days === 0) return { text: `deadline today (${deadline})`, soon: true };
  return { text: `deadline in ${days} d (${deadline})`, soon: days <= 7 };
}

export function dateTime(at: string): string {
  return new Date(at).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function time(at: string): string {
  return new Date(at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/** Today in the browser's time zone, YYYY-MM-DD. */
export function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The calendar date `days` before a YYYY-MM-DD date. */
export function daysBefore(date: string, days: number): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
}
