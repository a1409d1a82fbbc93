import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { api, type ApiError } from './api.js';
import { deadlineCountdown, duration, holdLabel, reasonLabel, relative, specialtyLabel, statusLabel, STATUSES, time } from './format.js';
import { t } from './i18n.js';
import { useDoctorNames } from './roster.js';

export interface CaseItem {
  referralId: string;
  status: string;
  urgency: 'urgent' | 'routine';
  createdAt: string;
  reasons?: string[];
  wave?: number;
  nextWaveAt?: string;
  deadline?: string;
  assignedDoctorId?: string;
  holdReason?: string;
  duplicateOf?: string;
  facilityState?: string;
  specialty?: string;
  attorneyOrganization?: string;
}

/** How often the queue reloads itself. */
const POLL_MS = 10_000;
const PAGE = 50;
/** Urgent cases still needing a doctor, oldest first: their own query, never cut by the page of newest cases. */
const NEEDS_DOCTOR = '/api/staff/referrals?view=urgent_open&limit=200';

export function Queue() {
  const [status, setStatus] = useState('');
  const [aNumber, setANumber] = useState('');
  const [search, setSearch] = useState('');
  const [items, setItems] = useState<CaseItem[] | undefined>();
  const [hot, setHot] = useState<{ items: CaseItem[]; more: boolean }>({ items: [], more: false });
  const [cursor, setCursor] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [updated, setUpdated] = useState<number>(Date.now());
  const loaded = useRef(0);
  const shown = useRef(0);
  const names = useDoctorNames();

  const query = (limit: number, after?: string) => {
    const q = new URLSearchParams({ limit: String(limit), view: 'queue' });
    if (status) q.set('status', status);
    if (aNumber) q.set('aNumber', aNumber);
    if (after) q.set('cursor', after);
    return `/api/staff/referrals?${q}`;
  };

  /** Reloads from the top, as many cases as are shown (the scroll position stays: rows keep their keys). */
  const reload = async () => {
    try {
      const [urgent, page] = await Promise.all([
        api<{ items: CaseItem[]; nextCursor?: string }>('GET', NEEDS_DOCTOR),
        api<{ items: CaseItem[]; nextCursor?: string }>('GET', query(Math.min(200, Math.max(PAGE, loaded.current)))),
      ]);
      performance.mark('queue:data');
      loaded.current = page.items.length;
      setHot({ items: urgent.items, more: urgent.nextCursor !== undefined });
      setItems(page.items);
      setCursor(page.nextCursor);
      setError(undefined);
      setUpdated(Date.now());
    } catch (e) {
      setError((e as ApiError).message);
    }
  };

  const more = async () => {
    try {
      const page = await api<{ items: CaseItem[]; nextCursor?: string }>('GET', query(PAGE, cursor));
      const seen = new Set((items ?? []).map((i) => i.referralId));
      const next = [...(items ?? []), ...page.items.filter((i) => !seen.has(i.referralId))];
      loaded.current = next.length;
      setItems(next);
      setCursor(page.nextCursor);
    } catch (e) {
      setError((e as ApiError).message);
    }
  };

  useEffect(() => {
    loaded.current = 0;
    shown.current = 0;
    setItems(undefined);
    void reload();
    const timer = setInterval(() => void reload(), POLL_MS);
    return () => clearInterval(timer);
  }, [status, aNumber]);

  // how long a queue takes from its data to laid-out rows (read by the browser tests): the DOM is committed
  // here; reading a layout property makes the browser compute style and layout now
  useLayoutEffect(() => {
    if (!items || performance.getEntriesByName('queue:data').length === 0) return;
    void document.body.offsetHeight;
    performance.measure('queue:render', { start: 'queue:data', detail: { cases: items.length, fromEmpty: shown.current === 0 } });
    shown.current = items.length;
  }, [items]);

  const onSearch = (e: Event) => {
    e.preventDefault();
    const value = search.trim();
    if (/^MR-[0-9A-Z]{8}$/i.test(value)) {
      location.hash = `#/case/${value.toUpperCase()}`;
      return;
    }
    setANumber(value);
  };

  const now = updated;
  const hotIds = new Set(hot.items.map((c) => c.referralId));
  const rest = (items ?? []).filter((c) => !hotIds.has(c.referralId));
  return (
    <>
      <h1>{t('Queue')}</h1>
      <p class="status-line small muted" aria-live="polite">
        {t('Updated')} {time(new Date(updated).toISOString())}.{' '}
        <button type="button" class="text-button" onClick={() => void reload()}>
          {t('Refresh now')}
        </button>
      </p>
      {error && (
        <p class="summary" role="alert">
          {error}
        </p>
      )}
      {items === undefined && !error && <p>Loading…</p>}
      {items !== undefined && (
        <section aria-labelledby="hot-title">
          <h2 id="hot-title" class={hot.items.length ? 'need' : undefined}>
            {hot.items.length ? '⚠ ' : ''}
            {t('Needs a doctor now')}: {hot.items.length}
            {hot.more ? '+' : ''}
          </h2>
          {hot.more && <p class="small">The {hot.items.length} that have waited longest, oldest first.</p>}
          {hot.items.length === 0 ? (
            <p class="small">No urgent case is waiting for a doctor.</p>
          ) : (
            <CaseTable id="hot" label="hot-title" rows={hot.items} now={now} names={names} hot />
          )}
        </section>
      )}
      <form class="toolbar" role="search" onSubmit={onSearch}>
        <div class="field">
          <label for="search">{t('Search by referral id or A-number')}</label>
          <input
            id="search"
            type="text"
            value={search}
            onInput={(e) => setSearch(e.currentTarget.value)}
            autocomplete="off"
            spellcheck={false}
          />
        </div>
        <button type="submit" class="button">
          {t('Search')}
        </button>
        {aNumber && (
          <button
            type="button"
            class="button secondary"
            onClick={() => {
              setSearch('');
              setANumber('');
            }}
          >
            {t('Clear search')}
          </button>
        )}
      </form>
      <div role="group" aria-label="Status">
        <ul class="tabs">
          {['', ...STATUSES].map((s) => (
            <li key={s}>
              <button type="button" aria-pressed={status === s} onClick={() => setStatus(s)}>
                {s ? statusLabel(s) : t('All')}
              </button>
            </li>
          ))}
        </ul>
      </div>
      {items && (
        <section aria-labelledby="all-title">
          <h2 id="all-title">
            {aNumber ? `Cases for A-number ${aNumber}` : hot.items.length ? 'Other cases' : t('All cases')}: {rest.length}
          </h2>
          {rest.length === 0 ? (
            <p>{t('No cases here.')}</p>
          ) : (
            <CaseTable id="cases" label="all-title" rows={rest} now={now} names={names} />
          )}
          {cursor && (
            <button type="button" class="button secondary" onClick={() => void more()}>
              {t('Load more')}
            </button>
          )}
        </section>
      )}
    </>
  );
}

const COLUMNS = ['Referral', 'Urgency and status', 'Facility state', 'Specialty', 'Attorney organisation', 'Paging', 'Doctor'];

/** Cases as a table; a phone lays each row out as a card, the header row then for screen readers only. */
function CaseTable(p: { id: string; label: string; rows: CaseItem[]; now: number; names: Record<string, string>; hot?: boolean }) {
  return (
    <table class="cases" id={p.id} aria-labelledby={p.label}>
      <thead class="cases-head">
        <tr>
          {COLUMNS.map((c) => (
            <th scope="col" key={c}>
              {t(c)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {p.rows.map((c) => (
          <Row key={c.referralId} c={c} now={p.now} names={p.names} hot={p.hot} />
        ))}
      </tbody>
    </table>
  );
}

function Row({ c, now, names, hot }: { c: CaseItem; now: number; names: Record<string, string>; hot?: boolean }) {
  const deadline = c.deadline ? deadlineCountdown(c.deadline, now) : undefined;
  return (
    <tr class={hot ? 'case hot' : 'case'} data-id={c.referralId} data-status={c.status}>
      <td>
        <a class="id" href={`#/case/${c.referralId}`}>
          {c.referralId}
        </a>
        <div class="small">{duration(now - Date.parse(c.createdAt))} old</div>
      </td>
      <td>
        <span class={`badge ${c.urgency}`}>{c.urgency === 'urgent' ? `${t('urgent').toUpperCase()}` : t('routine')}</span>{' '}
        <span class="status">{statusLabel(c.status)}</span>
        {c.holdReason && <span class="small"> — {holdLabel(c.holdReason)}</span>}
        {c.duplicateOf && (
          <span class="small">
            {' '}
            (of <a href={`#/case/${c.duplicateOf}`}>{c.duplicateOf}</a>)
          </span>
        )}
        {c.reasons && c.reasons.length > 0 && <div class="reasons">{c.reasons.map(reasonLabel).join(' · ')}</div>}
      </td>
      <td class="small">{c.facilityState ?? <span class="muted">—</span>}</td>
      <td class="small">{c.specialty ? specialtyLabel(c.specialty) : <span class="muted">—</span>}</td>
      <td class="small">{c.attorneyOrganization ?? <span class="muted">—</span>}</td>
      <td class="small">
        {c.wave ? (
          <>
            Wave {c.wave}
            {c.nextWaveAt ? <>, next {relative(c.nextWaveAt, now)}</> : null}
          </>
        ) : (
          <span class="muted">No wave yet</span>
        )}
        {deadline && <div class={deadline.soon ? 'need' : ''}>{deadline.text}</div>}
      </td>
      <td class="small">
        {c.assignedDoctorId ? (
          <>
            {t('Assigned to')} <strong>{names[c.assignedDoctorId] ?? c.assignedDoctorId}</strong>
          </>
        ) : (
          <span class={hot ? 'need' : 'muted'}>{t('Unassigned')}</span>
        )}
      </td>
    </tr>
  );
}
