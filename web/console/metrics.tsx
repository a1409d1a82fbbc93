import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, request } from './api.js';
import { t } from './i18n.js';

type Any = Record<string, any>;
interface Week { week: string; urgent: number; routine: number }
interface Metrics { weeks: Week[]; median?: number; p90?: number; accepted?: number; outcomes: [string, number][] }

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Reads the metrics answer: weekly counts by urgency, minutes from submit to accept, and outcomes. */
function normalize(body: Any): Metrics {
  const weeks: Week[] = ((body.weeks ?? body.weekly ?? []) as Any[]).map((w) => ({
    week: String(w.week ?? w.weekStart ?? w.start ?? ''),
    urgent: num(w.urgent ?? w.byUrgency?.urgent ?? w.urgency?.urgent) ?? 0,
    routine: num(w.routine ?? w.byUrgency?.routine ?? w.urgency?.routine) ?? 0,
  }));
  const accept = (body.acceptMinutes ?? body.minutesToAccept ?? body.timeToAccept ?? body.submitToAccept ?? {}) as Any;
  const rawOutcomes = body.outcomes ?? {};
  const outcomes: [string, number][] = Array.isArray(rawOutcomes)
    ? rawOutcomes.map((o: Any) => [String(o.outcome ?? o.name), num(o.count) ?? 0])
    : Object.entries(rawOutcomes as Record<string, unknown>).map(([k, v]) => [k, num(v) ?? 0]);
  return { weeks, median: num(accept.median ?? accept.p50), p90: num(accept.p90), accepted: num(accept.count ?? accept.n), outcomes };
}

const isoDate = (d: Date) => d.toISOString().slice(0, 10);

export function Metrics() {
  const [from, setFrom] = useState(() => isoDate(new Date(Date.now() - 84 * 86_400_000)));
  const [to, setTo] = useState(() => isoDate(new Date()));
  const [data, setData] = useState<Metrics | undefined>();
  const [error, setError] = useState<string | undefined>();
  const load = async () => {
    try {
      setData(normalize(await api<Any>('GET', `/api/staff/metrics?from=${from}&to=${to}`)));
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
      <form class="toolbar" onSubmit={(e) => { e.preventDefault(); void load(); }}>
        <div class="field"><label for="m-from">From</label><input id="m-from" type="date" value={from} onInput={(e) => setFrom(e.currentTarget.value)} /></div>
        <div class="field"><label for="m-to">To</label><input id="m-to" type="date" value={to} onInput={(e) => setTo(e.currentTarget.value)} /></div>
        <button type="submit" class="button">Show</button>
        <button type="button" class="button secondary" onClick={() => void download()}>Download CSV</button>
      </form>
      <p class="hint">The CSV has case ids, dates, urgency, reasons, status and outcome; no names, A-numbers or medical text.</p>
      {error && <p class="summary" role="alert">{error}</p>}
      {data && (
        <>
          <h2>Referrals per week, by urgency</h2>
          <WeeklyChart weeks={data.weeks} />
          <h2>Minutes from submit to a doctor's accept</h2>
          <dl class="facts" id="accept-times">
            <dt>Median</dt><dd>{data.median === undefined ? 'no accepted cases' : `${Math.round(data.median)} min`}</dd>
            <dt>90th percentile</dt><dd>{data.p90 === undefined ? 'no accepted cases' : `${Math.round(data.p90)} min`}</dd>
          </dl>
          {data.median !== undefined && data.p90 !== undefined && <AcceptChart median={data.median} p90={data.p90} />}
          <h2>Outcomes</h2>
          {data.outcomes.length === 0 ? <p>No outcomes recorded in this period.</p> : <OutcomeChart outcomes={data.outcomes} />}
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
      <svg class="chart" id="weekly-chart" viewBox={`0 0 ${width} ${h + 60}`} role="img" aria-labelledby="wk-title wk-desc" style={`max-width:${width * 1.5}px`}>
        <title id="wk-title">Referrals per week by urgency</title>
        <desc id="wk-desc">{weeks.map((w) => `Week of ${w.week}: ${w.urgent} urgent, ${w.routine} routine`).join('. ')}</desc>
        <defs><pattern id="wk-hatch" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="5" height="5" fill="#fff" /><line x1="0" y1="0" x2="0" y2="5" stroke="#1b1b1b" stroke-width="2" /></pattern></defs>
        <line x1={30} x2={width} y1={20 + h} y2={20 + h} stroke="#1b1b1b" />
        {weeks.map((w, i) => {
          const x0 = 36 + i * (2 * bw + gap);
          return (
            <g key={w.week}>
              <rect x={x0} y={y(w.urgent)} width={bw} height={20 + h - y(w.urgent)} fill="#9c2a00" stroke="#1b1b1b" />
              <text x={x0 + bw / 2} y={y(w.urgent) - 4} text-anchor="middle">{w.urgent}</text>
              <rect x={x0 + bw} y={y(w.routine)} width={bw} height={20 + h - y(w.routine)} fill="url(#wk-hatch)" stroke="#1b1b1b" />
              <text x={x0 + bw * 1.5} y={y(w.routine) - 4} text-anchor="middle">{w.routine}</text>
              <text x={x0 + bw / 2} y={h + 34} text-anchor="middle">U</text>
              <text x={x0 + bw * 1.5} y={h + 34} text-anchor="middle">R</text>
              <text x={x0 + bw} y={h + 50} text-anchor="middle">{w.week.slice(5)}</text>
            </g>
          );
        })}
      </svg>
      <p class="legend small"><span>U, solid: urgent</span><span>R, hatched: routine</span><span>Weeks by their first day (month-day)</span></p>
    </>
  );
}

function AcceptChart({ median, p90 }: { median: number; p90: number }) {
  const max = Math.max(1, p90, median);
  const bar = (v: number) => 8 + (v / max) * 300;
  return (
    <svg class="chart" viewBox="0 0 460 70" role="img" aria-labelledby="acc-title" style="max-width:690px">
      <title id="acc-title">{`Median ${Math.round(median)} minutes, 90th percentile ${Math.round(p90)} minutes from submit to accept`}</title>
      <text x={0} y={20}>Median</text><rect x={110} y={8} width={bar(median)} height={16} fill="#0b4f9c" /><text x={118 + bar(median)} y={20}>{Math.round(median)} min</text>
      <text x={0} y={52}>90th percentile</text><rect x={110} y={40} width={bar(p90)} height={16} fill="url(#wk-hatch)" stroke="#1b1b1b" /><text x={118 + bar(p90)} y={52}>{Math.round(p90)} min</text>
    </svg>
  );
}

function OutcomeChart({ outcomes }: { outcomes: [string, number][] }) {
  const max = Math.max(1, ...outcomes.map(([, n]) => n));
  return (
    <svg class="chart" id="outcome-chart" viewBox={`0 0 460 ${outcomes.length * 28 + 8}`} role="img" aria-labelledby="out-title" style="max-width:690px">
      <title id="out-title">{`Outcomes: ${outcomes.map(([o, n]) => `${o.replace(/_/g, ' ')} ${n}`).join(', ')}`}</title>
      {outcomes.map(([o, n], i) => (
        <g key={o}>
          <text x={0} y={i * 28 + 20}>{o.replace(/_/g, ' ')}</text>
          <rect x={140} y={i * 28 + 8} width={4 + (n / max) * 260} height={16} fill="#1f6b3a" />
          <text x={150 + (n / max) * 260} y={i * 28 + 20}>{n}</text>
        </g>
      ))}
    </svg>
  );
}
