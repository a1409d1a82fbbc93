import { languageByTag } from '../../shared/domain/languages.js';

// How the case file says things in a coordinator's words: field labels, A-numbers, language and country
// names, yes/no, and the timeline's events. Plain functions (no page state), so unit tests read them.

export interface TimelineEvent {
  at: string;
  event: string;
  actor?: string;
  details?: Record<string, unknown>;
}

/** A timeline entry as shown: one event, or several views by one person folded into the first. */
export interface Entry extends TimelineEvent {
  /** Views folded into this one (itself included), and when the last of them was. */
  views?: { count: number; last: string };
}

/** "438201403" → "A-438-201-403" (eight digits get a leading zero, as on the notice). */
export function formatANumber(aNumber: string): string {
  const digits = aNumber.replace(/\D/g, '').padStart(9, '0');
  return digits.length === 9 ? `A-${digits.slice(0, 3)}-${digits.slice(3, 6)}-${digits.slice(6)}` : aNumber;
}

/** A language tag by its name in the program's list ("quc" → "K'iche'"), else the browser's name for it, else the tag. */
export function languageName(tag: string): string {
  const listed = languageByTag(tag);
  if (listed) return listed.en;
  try {
    return new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

/** An ISO 3166-1 alpha-2 code by its English name ("HN" → "Honduras"), else the code. */
export function countryName(code: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** A US state or territory code by its name ("TX" → "Texas"), else the code. */
export const stateName = (code: string): string => US_STATE_NAMES[code] ?? code;

const US_STATE_NAMES: Record<string, string> = {
  AL: 'Alabama',
  AK: 'Alaska',
  AZ: 'Arizona',
  AR: 'Arkansas',
  CA: 'California',
  CO: 'Colorado',
  CT: 'Connecticut',
  DE: 'Delaware',
  DC: 'District of Columbia',
  FL: 'Florida',
  GA: 'Georgia',
  HI: 'Hawaii',
  ID: 'Idaho',
  IL: 'Illinois',
  IN: 'Indiana',
  IA: 'Iowa',
  KS: 'Kansas',
  KY: 'Kentucky',
  LA: 'Louisiana',
  ME: 'Maine',
  MD: 'Maryland',
  MA: 'Massachusetts',
  MI: 'Michigan',
  MN: 'Minnesota',
  MS: 'Mississippi',
  MO: 'Missouri',
  MT: 'Montana',
  NE: 'Nebraska',
  NV: 'Nevada',
  NH: 'New Hampshire',
  NJ: 'New Jersey',
  NM: 'New Mexico',
  NY: 'New York',
  NC: 'North Carolina',
  ND: 'North Dakota',
  OH: 'Ohio',
  OK: 'Oklahoma',
  OR: 'Oregon',
  PA: 'Pennsylvania',
  RI: 'Rhode Island',
  SC: 'South Carolina',
  SD: 'South Dakota',
  TN: 'Tennessee',
  TX: 'Texas',
  UT: 'Utah',
  VT: 'Vermont',
  VA: 'Virginia',
  WA: 'Washington',
  WV: 'West Virginia',
  WI: 'Wisconsin',
  WY: 'Wyoming',
  PR: 'Puerto Rico',
  GU: 'Guam',
  VI: 'U.S. Virgin Islands',
  AS: 'American Samoa',
  MP: 'Northern Mariana Islands',
};

/** `record_review` → "record review". */
export const words = (s: string) => s.replace(/_/g, ' ');
const yesNo = (v: unknown) => (v ? 'yes' : 'no');

type Show = (v: unknown) => string;
/** Each referral and release field: its label and how its value reads. Fields not listed read as their name in words. */
const FIELDS: Record<string, [label: string, show?: Show]> = {
  // client
  givenName: ['Given name'],
  familyName: ['Family name'],
  aNumber: ['A-number', (v) => formatANumber(String(v))],
  dateOfBirth: ['Date of birth'],
  countryOfBirth: ['Country of birth', (v) => countryName(String(v))],
  language: ['Language', (v) => languageName(String(v))],
  interpreterNeeded: ['Interpreter needed', yesNo],
  // custody
  facilityName: ['Facility'],
  facilityState: ['Facility state', (v) => stateName(String(v))],
  fieldOffice: ['ICE field office'],
  detainedSince: ['Detained since'],
  // medical
  concern: ['Medical concern'],
  riskFactors: ['Risk factors'],
  medications: ['Medications'],
  attorneyUrgency: ["Attorney's urgency"],
  // request
  services: ['Services requested'],
  specialty: ['Specialty'],
  deadline: ['Deadline'],
  // attorney
  name: ['Name'],
  organization: ['Organisation'],
  email: ['Email'],
  phone: ['Phone'],
  barNumber: ['Bar number'],
  barState: ['Bar state', (v) => stateName(String(v))],
  g28Filed: ['G-28 filed', yesNo],
  // release
  releasedOn: ['Released on'],
  state: ['Going to (state)', (v) => stateName(String(v))],
  city: ['City'],
  patientPhone: ["Patient's phone"],
  patientLanguage: ["Patient's language", (v) => languageName(String(v))],
  smsConsent: ['SMS reminders agreed', yesNo],
};

/** A field's label and value in words: lists joined, booleans yes or no, codes by their names. */
export function fact(field: string, value: unknown): { label: string; value: string } {
  const [label, show] = FIELDS[field] ?? [field.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase())];
  const text = show
    ? show(value)
    : Array.isArray(value)
      ? value.map((x) => words(String(x))).join(', ') || '—'
      : typeof value === 'boolean'
        ? yesNo(value)
        : String(value);
  return { label, value: text };
}

const HOUR = 3_600_000;

/**
 * Views by the same person within an hour of the first of them fold into that first entry (with how many
 * and when the last was); every other event stays as it is, in order. The reads themselves stay recorded.
 */
export function foldViews(events: readonly TimelineEvent[]): Entry[] {
  const out: Entry[] = [];
  const open = new Map<string, Entry>();
  for (const e of events) {
    if (e.event !== 'viewed') {
      out.push(e);
      continue;
    }
    const who = e.actor ?? '';
    const first = open.get(who);
    if (first && Date.parse(e.at) - Date.parse(first.at) < HOUR) {
      first.views = { count: (first.views?.count ?? 1) + 1, last: e.at };
      continue;
    }
    const entry: Entry = { ...e, views: { count: 1, last: e.at } };
    open.set(who, entry);
    out.push(entry);
  }
  return out;
}

/** Who did something: a doctor by name, staff by their sign-in, the system when nobody. */
export function actorName(actor: string | undefined, doctors: Record<string, string>): string | undefined {
  if (!actor) return undefined;
  const [kind, id] = actor.split(/:(.*)/s);
  if (kind === 'doctor' && id) return doctors[id] ?? id;
  if (kind === 'staff' && id) return id;
  return actor;
}

const OUTCOMES: Record<string, string> = {
  taken: 'the case was already taken',
  closed: 'the offer was closed',
  already_yours: 'already theirs',
};
const channel = (state: unknown) =>
  state === 'sent' ? 'sent' : state === 'skipped' ? 'not sent (channel unusable)' : String(state ?? '—');

/** An event in a sentence: who did what, with its details in words. */
export function eventText(e: Entry, doctors: Record<string, string>): string {
  const who = actorName(e.actor, doctors);
  const d = e.details ?? {};
  const doctorOf = (id: unknown) => doctors[String(id)] ?? String(id);
  switch (e.event) {
    case 'received':
      return `Referral received (${words(String(d.urgency ?? ''))})`;
    case 'viewed': {
      const times = e.views && e.views.count > 1 ? ` (${e.views.count} times within the hour)` : '';
      return `Viewed by ${who}${times}`;
    }
    case 'wave_started':
      return `Paging wave ${d.wave} started`;
    case 'escalated':
      return `Final wave ${d.wave}: escalated to the coordinators`;
    case 'paged':
      return `Paged ${who} (wave ${d.wave}): SMS ${channel(d.sms)}, email ${channel(d.email)}`;
    case 'accepted':
      return `${who} accepted (wave ${d.wave})`;
    case 'declined':
      return `${who} declined (wave ${d.wave})${d.reason ? `: ${d.reason}` : ''}`;
    case 'replied':
      return `${who} replied ${String(d.reply ?? '').toUpperCase()} by SMS: ${OUTCOMES[String(d.result)] ?? words(String(d.result))}`;
    case 'introduced':
      return `Introduction sent to ${doctorOf(d.doctorId)} and the attorney`;
    case 'held':
      return `Held: ${words(String(d.holdReason ?? ''))}`;
    case 'approved':
      return `Approved by ${who} (now ${words(String(d.status ?? ''))})`;
    case 'note':
      return `Note by ${who}: ${String(d.text ?? '')}`;
    case 'released':
      return `Release recorded by ${who}`;
    case 'closed':
      return `Closed by ${who}: ${words(String(d.outcome ?? ''))}`;
    default: {
      const rest = Object.entries(d)
        .map(([k, v]) => `${fact(k, v).label.toLowerCase()}: ${words(String(v))}`)
        .join(' · ');
      return `${words(e.event).replace(/^./, (c) => c.toUpperCase())}${who ? ` by ${who}` : ''}${rest ? ` — ${rest}` : ''}`;
    }
  }
}
