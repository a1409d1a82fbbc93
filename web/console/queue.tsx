import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { api, type ApiError } from './api.js';
import { deadlineCountdown, duration, holdLabel, reasonLabel, relative, statusLabel, STATUSES, time } from './format.js';
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
}

/** How often the queue reloads itself. */
const POLL_MS = 10_000;
const PAGE = 50;
const OPEN = new Set(['paging', 'escalated', 'held', 'awaiting_verification', 'awaiting_review']);

/** Urgent, still open and no doctor yet: what a coordinator must see first. */
export const needsDoctor = (c: CaseItem) => c.urgency === 'urgent' && !c.assignedDoctorId && OPEN.has(c.status);

export function Queue() {
  const [status, setStatus] = useState('');
  const [aNumber, setANumber] = useState('');
  const [search, setSearch] = useState('');
  const [items, setItems] = useState<CaseItem[] | undefined>();
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
      const page = await api<{ items: CaseItem[]; nextCursor?: string }>('GET', query(Math.min(200, Math.max(PAGE, loaded.current))));
      performance.mark('queue:data');
      loaded.current = page.items.length;
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
  const hot = (items ?? []).filter(needsDoctor);
  const rest = (items ?? []).filter((c) => !needsDoctor(c));
  return (
    <>
      <h1>{t('Queue')}</h1>
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
      <p class="status-line small muted" aria-live="polite">
        {aNumber && <>Cases for A-number {aNumber}. </>}
        {t('Updated')} {time(new Date(updated).toISOString())}.{' '}
        <button type="button" class="link-button" onClick={() => void reload()}>
          {t('Refresh now')}
        </button>
      </p>
      {error && (
        <p class="summary" role="alert">
          {error}
        </p>
      )}
      {items === undefined && !error && <p>Loading…</p>}
      {hot.length > 0 && (
        <section aria-labelledby="hot-title">
          <h2 id="hot-title" class="need">
            ⚠ {t('Needs a doctor now')}: {hot.length}
          </h2>
          <ul class="cases" id="hot">
            {hot.map((c) => (
              <Row key={c.referralId} c={c} now={now} names={names} hot />
            ))}
          </ul>
        </section>
      )}
      {items && (
        <section aria-labelledby="all-title">
          <h2 id="all-title">
            {hot.length ? 'Other cases' : t('All cases')}: {rest.length}
          </h2>
          {rest.length === 0 && <p>{t('No cases here.')}</p>}
          <ul class="cases" id="cases">
            {rest.map((c) => (
              <Row key={c.referralId} c={c} now={now} names={names} />
            ))}
          </ul>
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

function Row({ c, now, names, hot }: { c: CaseItem; now: number; names: Record<string, string>; hot?: boolean }) {
  const deadline = c.deadline ? deadlineCountdown(c.deadline, now) : undefined;
  return (
    <li class={hot ? 'case hot' : 'case'} data-id={c.referralId} data-status={c.status}>
      <div>
        <a class="id" href={`#/case/${c.referralId}`}>
          {c.referralId}
        </a>
        <div class="small">{duration(now - Date.parse(c.createdAt))} old</div>
      </div>
      <div>
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
      </div>
      <div class="small">
        {c.wave ? (
          <>
            Wave {c.wave}
            {c.nextWaveAt ? <>, next {relative(c.nextWaveAt, now)}</> : null}
          </>
        ) : (
          <span class="muted">No wave yet</span>
        )}
        {deadline && <div class={deadline.soon ? 'need' : ''}>{deadline.text}</div>}
      </div>
      <div class="small">
        {c.assignedDoctorId ? (
          <>
            {t('Assigned to')} <strong>{names[c.assignedDoctorId] ?? c.assignedDoctorId}</strong>
          </>
        ) : (
          <span class={hot ? 'need' : 'muted'}>{t('Unassigned')}</span>
        )}
      </div>
    </li>
  );
}
