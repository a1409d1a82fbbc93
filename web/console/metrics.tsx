import { useEffect, useState } from 'preact/hooks';
import type { CareMetrics, Percentiles, ProgramMetrics } from '../../shared/domain/metrics.js';
import { api, type ApiError, request } from './api.js';
import { daysBefore, statusLabel, today } from './format.js';
import { t } from './i18n.js';

interface Week {
  week: string;
  urgent: number;
  routine: number;
  status: Record<string, number>;
}
interface Metrics {
  weeks: Week[];
  times: [string, Percentiles][];
  outcomes: [string, number][];
  care: CareMetrics;
}

/** The metrics answer: weekly counts by urgency and status, minutes from submit to accept, outcomes. */
function normalize(body: ProgramMetrics): Metrics {
  return {
    weeks: body.weeks.map((w) => ({ week: w.weekStart, urgent: w.urgency.urgent, routine: w.urgency.routine, status: w.status })),
    times: [
      ['All cases', body.timeToAccept.all],
      ['Urgent', body.timeToAccept.urgent],
      ['Routine', body.timeToAccept.routine],
    ],
    outcomes: Object.entries(body.outcomes),
    care: body.care,
  };
}

export function Metrics() {
  const [from, setFrom] = useState(() => daysBefore(today(), 83));
  const [to, setTo] = useState(() => today());
  const [data, setData] = useState<Metrics | undefined>();
  const [error, setError] = useState<string | undefined>();
  const load = async () => {
    try {
      setData(normalize(await api<ProgramMetrics>('GET', `/api/staff/metrics?from=${from}&to=${to}`)));
      setError(undefined);
    } catch (e) {
      setError((e as ApiError).message);
    }
  };
  useEffect(() => void load(), []);

  const download = async () => {
    try {
      const res = await request('GET', `/api/staff/referrals.csv?from=${from}&to=${to}`);
      const url = URL.createObjectURL(await res.blob());
      const a = Object.assign(document.createElement('a'), { href: url, download: `medreview-cases-${from}-to-${to}.csv` });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      setError((e as ApiError).message);
    }
  };

  return (
    <>
      <h1>{t('Metrics')}</h1>
      <form
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          void load();
        }}
      >
        <div class="field">
          <label for="m-from">From</label>
          <input id="m-from" type="date" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="m-to">To</label>
          <input id="m-to" type="date" value={to} onInput={(e) => setTo(e.currentTarget.value)} />
        </div>
        <button type="submit" class="button">
          Show
        </button>
        <button type="button" class="button secondary" onClick={() => void download()}>
          Download CSV
        </button>
      </form>
      <p class="hint">The CSV has case ids, dates, urgency, reasons, status and outcome; no names, A-numbers or medical text.</p>
      {error && (
        <p class="summary" role="alert">
          {error}
        </p>
      )}
      {data && (
        <>
          <h2>Referrals per week, by urgency</h2>
          <WeeklyChart weeks={data.weeks} />
          <h2>Weekly counts by status now</h2>
          <StatusTable weeks={data.weeks} />
          <h2>Minutes from submit to a doctor's accept</h2>
          <div class="scroll">
            <table class="data" id="accept-times">
              <thead>
                <tr>
                  <th scope="col">Cases</th>
                  <th scope="col">Accepted</th>
                  <th scope="col">Median</th>
                  <th scope="col">90th percentile</th>
                </tr>
              </thead>
              <tbody>
                {data.times.map(([name, p]) => (
                  <tr key={name}>
                    <th scope="row">{name}</th>
                    <td>{p.accepted}</td>
                    <td>{p.medianMinutes === null ? '—' : `${p.medianMinutes} min`}</td>
                    <td>{p.p90Minutes === null ? '—' : `${p.p90Minutes} min`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {data.times[0][1].medianMinutes !== null && data.times[0][1].p90Minutes !== null && (
            <AcceptChart median={data.times[0][1].medianMinutes} p90={data.times[0][1].p90Minutes} />
          )}
          <h2>Outcomes</h2>
          {data.outcomes.every(([, n]) => n === 0) ? (
            <p>No case of this period has been closed with an outcome.</p>
          ) : (
            <OutcomeChart outcomes={data.outcomes} />
          )}
          <CareFigures care={data.care} />
        </>
      )}
    </>
  );
}

/** Two bars per week: urgent solid and labelled "U", routine hatched and labelled "R", each with its count written on it. */
function WeeklyChart({ weeks }: { weeks: Week[] }) {
  if (weeks.length === 0) return <p>No referrals in this period.</p>;
  const max = Math.max(1, ...weeks.flatMap((w) => [w.urgent, w.routine]));
  const [h, bw, gap] = [160, 18, 14];
  const width = 40 + weeks.length * (2 * bw + gap);
  const y = (v: number) => 20 + h - (v / max) * h;
  return (
    <>
      <svg
        class="chart"
        id="weekly-chart"
        viewBox={`0 0 ${width} ${h + 60}`}
        role="img"
        aria-labelledby="wk-title wk-desc"
        style={`max-width:${width * 1.5}px`}
      >
        <title id="wk-title">Referrals per week by urgency</title>
        <desc id="wk-desc">{weeks.map((w) => `Week of ${w.week}: ${w.urgent} urgent, ${w.routine} routine`).join('. ')}</desc>
        <defs>
          <pattern id="wk-hatch" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="5" height="5" fill="#fff" />
            <line x1="0" y1="0" x2="0" y2="5" stroke="#1b1b1b" stroke-width="2" />
          </pattern>
        </defs>
        <line x1={30} x2={width} y1={20 + h} y2={20 + h} stroke="#1b1b1b" />
        {weeks.map((w, i) => {
          const x0 = 36 + i * (2 * bw + gap);
          return (
            <g key={w.week}>
              <rect x={x0} y={y(w.urgent)} width={bw} height={20 + h - y(w.urgent)} fill="#9c2a00" stroke="#1b1b1b" />
              <text x={x0 + bw / 2} y={y(w.urgent) - 4} text-anchor="middle">
                {w.urgent}
              </text>
              <rect x={x0 + bw} y={y(w.routine)} width={bw} height={20 + h - y(w.routine)} fill="url(#wk-hatch)" stroke="#1b1b1b" />
              <text x={x0 + bw * 1.5} y={y(w.routine) - 4} text-anchor="middle">
                {w.routine}
              </text>
              <text x={x0 + bw / 2} y={h + 34} text-anchor="middle">
                U
              </text>
              <text x={x0 + bw * 1.5} y={h + 34} text-anchor="middle">
                R
              </text>
              <text x={x0 + bw} y={h + 50} text-anchor="middle">
                {w.week.slice(5)}
              </text>
            </g>
          );
        })}
      </svg>
      <p class="legend small">
        <span>U, solid: urgent</span>
        <span>R, hatched: routine</span>
        <span>Weeks by their first day (month-day)</span>
      </p>
    </>
  );
}

function StatusTable({ weeks }: { weeks: Week[] }) {
  const statuses = Object.keys(weeks[0]?.status ?? {});
  if (!weeks.length) return null;
  return (
    <div class="scroll">
      <table class="data small" id="status-table">
        <thead>
          <tr>
            <th scope="col">Week of</th>
            {statuses.map((s) => (
              <th key={s} scope="col">
                {statusLabel(s)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {weeks.map((w) => (
            <tr key={w.week}>
              <th scope="row">{w.week}</th>
              {statuses.map((s) => (
                <td key={s}>{w.status[s] ?? 0}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function AcceptChart({ median, p90 }: { median: number; p90: number }) {
  const max = Math.max(1, p90, median);
  const bar = (v: number) => 8 + (v / max) * 300;
  return (
    <svg class="chart" viewBox="0 0 460 70" role="img" aria-labelledby="acc-title" style="max-width:690px">
      <title id="acc-title">{`Median ${Math.round(median)} minutes, 90th percentile ${Math.round(p90)} minutes from submit to accept`}</title>
      <text x={0} y={20}>
        Median
      </text>
      <rect x={110} y={8} width={bar(median)} height={16} fill="#0b4f9c" />
      <text x={118 + bar(median)} y={20}>
        {Math.round(median)} min
      </text>
      <text x={0} y={52}>
        90th percentile
      </text>
      <rect x={110} y={40} width={bar(p90)} height={16} fill="url(#wk-hatch)" stroke="#1b1b1b" />
      <text x={118 + bar(p90)} y={52}>
        {Math.round(p90)} min
      </text>
    </svg>
  );
}

function OutcomeChart({ outcomes }: { outcomes: [string, number][] }) {
  const max = Math.max(1, ...outcomes.map(([, n]) => n));
  return (
    <svg
      class="chart"
      id="outcome-chart"
      viewBox={`0 0 460 ${outcomes.length * 28 + 8}`}
      role="img"
      aria-labelledby="out-title"
      style="max-width:690px"
    >
      <title id="out-title">{`Outcomes: ${outcomes.map(([o, n]) => `${o.replace(/_/g, ' ')} ${n}`).join(', ')}`}</title>
      {outcomes.map(([o, n], i) => (
        <g key={o}>
          <text x={0} y={i * 28 + 20}>
            {o.replace(/_/g, ' ')}
          </text>
          <rect x={140} y={i * 28 + 8} width={4 + (n / max) * 260} height={16} fill="#1f6b3a" />
          <text x={150 + (n / max) * 260} y={i * 28 + 20}>
            {n}
          </text>
        </g>
      ))}
    </svg>
  );
}

/** Care after release: handoffs within 7 days, care within 30, median days to a handoff. */
function CareFigures({ care }: { care: CareMetrics }) {
  const pct = (share: number | null) => (share === null ? '—' : `${Math.round(share * 1000) / 10} %`);
  return (
    <>
      <h2>Care after release</h2>
      {care.released === 0 ? (
        <p>No patient of this period was released yet.</p>
      ) : (
        <dl class="facts" id="care-metrics">
          <dt>Released patients</dt>
          <dd>{care.released}</dd>
          <dt>Handed over to a clinic within 7 days</dt>
          <dd>
            {care.handoffWithin7Days.count} ({pct(care.handoffWithin7Days.share)})
          </dd>
          <dt>Care established within 30 days</dt>
          <dd>
            {care.careEstablishedWithin30Days.count} ({pct(care.careEstablishedWithin30Days.share)})
          </dd>
          <dt>Median days from release to handoff</dt>
          <dd>{care.medianDaysToHandoff ?? '—'}</dd>
        </dl>
      )}
    </>
  );
}
