import { useEffect, useState } from 'preact/hooks';
import { onCall } from '../../shared/domain/coverage.js';
import { validateRoster } from '../../shared/domain/roster.js';
import { api } from './api.js';
import { ImportFile } from './import-file.js';
import { dateTime } from './format.js';
import { t } from './i18n.js';

interface Doctor {
  id: string;
  name: string;
  specialties: string[];
  active: boolean;
  unusable?: string[];
}
interface Shift {
  doctorId: string;
  role: 'primary' | 'backup';
  start: string;
  end: string;
}
interface Roster {
  doctors: Doctor[];
  coordinators: { id: string; name: string }[];
  shifts: Shift[];
}
interface Gap {
  start: string;
  end: string;
  specialty: string;
}

const DAYS = 14;
let namesCache: Promise<Record<string, string>> | undefined;

/** Doctor names by id from the roster (ids alone when the roster cannot be read). */
export function useDoctorNames(): Record<string, string> {
  const [names, setNames] = useState<Record<string, string>>({});
  useEffect(() => {
    namesCache ??= api<Roster>('GET', '/api/staff/roster')
      .then((r) => Object.fromEntries(r.doctors.map((d) => [d.id, d.name])))
      .catch(() => ((namesCache = undefined), {}));
    void namesCache.then(setNames);
  }, []);
  return names;
}

export function RosterPage() {
  const [roster, setRoster] = useState<Roster | undefined>();
  const [gaps, setGaps] = useState<Gap[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const load = async () => {
    try {
      const [r, c] = await Promise.all([
        api<Roster>('GET', '/api/staff/roster'),
        api<{ gaps: Gap[] }>('GET', `/api/staff/coverage?days=${DAYS}`),
      ]);
      setRoster(r);
      setGaps(c.gaps);
      setError(undefined);
      namesCache = Promise.resolve(Object.fromEntries(r.doctors.map((d) => [d.id, d.name])));
    } catch (e) {
      setError((e as Error).message);
    }
  };
  useEffect(() => void load(), []);

  const now = Date.now();
  const name = (id: string) => roster?.doctors.find((d) => d.id === id)?.name ?? id;
  // active doctors only: an inactive doctor is never paged, whatever shifts the roster still lists
  const current = (role: Shift['role']) => (roster ? onCall(roster, role, new Date(now)).now : []);
  const next = (role: Shift['role']) => (roster ? onCall(roster, role, new Date(now)).next : undefined);
  return (
    <>
      <h1>{t('Roster')}</h1>
      {error && (
        <p class="summary" role="alert">
          {error}
        </p>
      )}
      {roster && (
        <>
          <h2>On call</h2>
          <div class="on-call" id="on-call">
            {(['primary', 'backup'] as const).map((role) => (
              <section key={role}>
                <h3>{role === 'primary' ? 'Primary' : 'Backup'}</h3>
                <p>
                  Now:{' '}
                  {current(role).length ? (
                    current(role).map((s) => (
                      <strong key={s.doctorId}>
                        {name(s.doctorId)} (until {dateTime(s.end)}){' '}
                      </strong>
                    ))
                  ) : (
                    <span class="gap">nobody</span>
                  )}
                </p>
                <p>
                  Next:{' '}
                  {next(role) ? (
                    <>
                      {name(next(role)!.doctorId)} from {dateTime(next(role)!.start)}
                    </>
                  ) : (
                    <span class="muted">none planned</span>
                  )}
                </p>
              </section>
            ))}
          </div>
          <h2>Coverage gaps, next {DAYS} days</h2>
          {gaps && gaps.length === 0 && <p>No gaps: every specialty has a primary doctor the whole time.</p>}
          {gaps && gaps.length > 0 && (
            <ul id="gaps">
              {gaps.map((g, i) => (
                <li key={i} class="gap">
                  No primary for {g.specialty.replace(/_/g, ' ')}: {dateTime(g.start)} – {dateTime(g.end)}
                </li>
              ))}
            </ul>
          )}
          <h2>Shifts, next {DAYS} days</h2>
          <Timeline roster={roster} gaps={gaps ?? []} from={now} />
          <h2>Doctors</h2>
          <div class="scroll">
            <table class="data" id="doctors">
              <thead>
                <tr>
                  <th scope="col">Doctor</th>
                  <th scope="col">Specialties</th>
                  <th scope="col">Active</th>
                  <th scope="col">Channels</th>
                </tr>
              </thead>
              <tbody>
                {roster.doctors.map((d) => (
                  <tr key={d.id}>
                    <td>{d.name}</td>
                    <td>{d.specialties.join(', ')}</td>
                    <td>{d.active ? 'yes' : 'no'}</td>
                    <td>
                      {d.unusable?.length ? (
                        <span class="gap">⚠ {d.unusable.map((c) => `${c.toUpperCase()} unusable`).join(', ')}</span>
                      ) : (
                        'SMS and email work'
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <Import onApplied={() => void load()} />
    </>
  );
}

/** One row per doctor; primary shifts solid, backup hatched, each labelled in text too; gaps marked on the top band. */
function Timeline({ roster, gaps, from }: { roster: Roster; gaps: Gap[]; from: number }) {
  const to = from + DAYS * 86_400_000;
  const [left, width, rowH] = [150, 700, 26];
  const x = (at: number) => left + ((Math.min(Math.max(at, from), to) - from) / (to - from)) * width;
  const rows = roster.doctors;
  const height = 30 + (rows.length + 1) * rowH;
  return (
    <div class="scroll">
      <svg class="chart" id="shift-timeline" viewBox={`0 0 ${left + width + 10} ${height}`} role="img" aria-labelledby="tl-title tl-desc">
        <title id="tl-title">Shifts per doctor over the next {DAYS} days</title>
        <desc id="tl-desc">
          {rows
            .map(
              (d) =>
                `${d.name}: ${roster.shifts.filter((s) => s.doctorId === d.id && Date.parse(s.end) > from && Date.parse(s.start) < to).length} shifts`,
            )
            .join('; ')}
          ; {gaps.length} coverage gaps.
        </desc>
        <defs>
          <pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="6" height="6" fill="#fff" />
            <line x1="0" y1="0" x2="0" y2="6" stroke="#0b4f9c" stroke-width="3" />
          </pattern>
          <pattern id="gap-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)">
            <rect width="6" height="6" fill="#fff" />
            <line x1="0" y1="0" x2="0" y2="6" stroke="#b3261e" stroke-width="3" />
          </pattern>
        </defs>
        {Array.from({ length: DAYS + 1 }, (_, i) => (
          <g key={i}>
            <line x1={x(from + i * 86_400_000)} x2={x(from + i * 86_400_000)} y1={20} y2={height} stroke="#d5dbe1" />
            {i < DAYS && i % 2 === 0 && (
              <text x={x(from + i * 86_400_000) + 2} y={14}>
                {new Date(from + i * 86_400_000).toLocaleDateString(undefined, { month: 'short', day: 'numeric' })}
              </text>
            )}
          </g>
        ))}
        <text x={4} y={20 + rowH * 0.7}>
          Gaps
        </text>
        {gaps.map((g, i) => (
          <rect
            key={i}
            x={x(Date.parse(g.start))}
            y={22}
            width={Math.max(2, x(Date.parse(g.end)) - x(Date.parse(g.start)))}
            height={rowH - 6}
            fill="url(#gap-hatch)"
            stroke="#b3261e"
          />
        ))}
        {rows.map((d, r) => {
          const y = 20 + (r + 1) * rowH;
          return (
            <g key={d.id}>
              <text x={4} y={y + rowH * 0.65}>
                {d.name.length > 20 ? `${d.name.slice(0, 19)}…` : d.name}
                {d.unusable?.length ? ' ⚠' : ''}
              </text>
              {roster.shifts
                .filter((s) => s.doctorId === d.id && Date.parse(s.end) > from && Date.parse(s.start) < to)
                .map((s, i) => {
                  const [x1, x2] = [x(Date.parse(s.start)), x(Date.parse(s.end))];
                  return (
                    <g key={i}>
                      <rect
                        x={x1}
                        y={y + 2}
                        width={Math.max(2, x2 - x1)}
                        height={rowH - 6}
                        fill={s.role === 'primary' ? '#0b4f9c' : 'url(#hatch)'}
                        stroke="#0b4f9c"
                      />
                      {x2 - x1 > 24 && (
                        <text
                          x={x1 + 3}
                          y={y + rowH * 0.65}
                          fill={s.role === 'primary' ? '#fff' : '#1b1b1b'}
                          style={s.role === 'primary' ? 'fill:#fff' : undefined}
                        >
                          {s.role === 'primary' ? 'P' : 'B'}
                        </text>
                      )}
                    </g>
                  );
                })}
            </g>
          );
        })}
      </svg>
      <p class="legend small">
        <span>P, solid: primary</span>
        <span>B, hatched: backup</span>
        <span class="gap">Red hatched: no primary (gap)</span>
        <span>⚠ a channel is unusable</span>
      </p>
    </div>
  );
}

/** A roster file checked in the page with the shared roster validation, then applied all at once. */
function Import({ onApplied }: { onApplied: () => void }) {
  const list = (doc: unknown, k: string) =>
    Array.isArray((doc as Record<string, unknown>)?.[k]) ? (doc as Record<string, unknown[]>)[k].length : 0;
  return (
    <ImportFile
      id="import"
      fileId="roster-file"
      title="Import a roster"
      hint="A JSON roster file (doctors, coordinators, shifts). It is checked here first; nothing changes unless every entry is valid."
      fileLabel="Roster file"
      replaces="the whole roster"
      button="Import roster"
      check={async (doc) => {
        const check = validateRoster(doc);
        return {
          errors: check.ok ? [] : check.errors,
          counts: `${list(doc, 'doctors')} doctors, ${list(doc, 'coordinators')} coordinators, ${list(doc, 'shifts')} shifts`,
        };
      }}
      apply={async (doc, fileName, counts) => {
        await api('PUT', '/api/staff/roster', doc);
        namesCache = undefined;
        onApplied();
        return `Roster imported from ${fileName} (${counts}). It replaced the previous roster.`;
      }}
    />
  );
}
