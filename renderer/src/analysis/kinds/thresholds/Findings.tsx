import { useState } from 'react';
import { formatCount, formatPercent, formatValue } from '../../../../../shared/format';
import type { ThresholdsResult, ThresholdsSpec } from '../../../../../shared/specs/thresholds';
import type { UserSelection } from '../../../../../shared/specs/users-behind';
import { unitKind, valueText } from '../metrics/bins';
import { outcomeNames } from './chart';
import { useApp } from '../../../app-context';
import { benchmarkSegment } from '../../../../../shared/specs/benchmark-segment';

/** Benchmarks listed before "Show all": the strongest ones, the rest are in the table too. */
const FIRST = 3;

/** A correlation as analysts quote it: two decimals, signed. */
const phiText = (v: number | null): string => (v === null ? '–' : v.toFixed(2));

/** An interval: '2–4', and '-97.7% to -90.4%' where a dash would read as a minus. */
function intervalText(low: string, high: string): string {
  return low.startsWith('-') || high.startsWith('-') ? `${low} to ${high}` : `${low}–${high}`;
}

interface PartProps {
  result: ThresholdsResult;
  spec: ThresholdsSpec;
  onSelect: (selection: UserSelection) => void;
}

/** Who the benchmarks are about: the new users, their outcome, the held-out starters. */
export function populationWords(result: ThresholdsResult): string {
  const p = result.population;
  const [good] = outcomeNames(result);
  const range = p.from === null || p.to === null ? '' : ` starting ${p.from} → ${p.to}`;
  const held =
    p.holdout === null
      ? ''
      : `; the ${formatCount(p.holdout.users)} starting from ${p.holdout.from} held out to check each benchmark`;
  const unobserved =
    p.unobserved > 0
      ? ` (${formatCount(p.unobserved)} more started too late for their outcome to be seen)`
      : '';
  return `${formatCount(p.users)} new users${range}, ${formatPercent(p.rate)} ${good} (${result.outcomeWords})${unobserved}${held}.`;
}

/**
 * Each metric's benchmark as a sentence, strongest first, with the users on each side a click
 * away; a benchmark with too few users on a side is flagged, and the held-out check is said.
 */
export function ThresholdFindings({ result, spec, onSelect }: PartProps) {
  const [good] = outcomeNames(result);
  const [all, setAll] = useState(false);
  const shown = all ? result.metrics : result.metrics.slice(0, FIRST);
  return (
    <section className="panel findings" aria-label="Benchmarks">
      <h2>Benchmarks</h2>
      <p className="muted small" data-testid="population">
        {populationWords(result)}
      </p>
      <ol className="finding-list">
        {shown.map((m) => {
          const b = m.best;
          const kind = unitKind(m.unit);
          if (b === null)
            return (
              <li key={m.name} className="finding none">
                <span className="finding-metric">{m.name}</span> No threshold of{' '}
                {m.label.toLowerCase()} separates these users.
              </li>
            );
          const pick = (side: 'above' | 'below'): UserSelection => ({
            kind: 'thresholds',
            metric: m.name,
            threshold: b.threshold,
            side,
            // The counts beside the buttons are the benchmark's: the earlier starters it was found on.
            set: 'training',
          });
          const h = m.holdout;
          return (
            <li
              key={m.name}
              className={`finding${b.tooSmall ? ' too-small' : ''}`}
              data-metric={m.name}
            >
              <p className="finding-sentence">{b.sentence}</p>
              <p className="finding-facts small">
                <span>
                  at least <b>{valueText(kind, b.threshold)}</b>
                  {b.thresholdInterval !== null &&
                    ` (95%: ${intervalText(valueText(kind, b.thresholdInterval.low), valueText(kind, b.thresholdInterval.high))})`}
                </span>
                <span>
                  {formatPercent(b.rateAbove)} {good} at or above vs {formatPercent(b.rateBelow)}{' '}
                  below
                </span>
                <span>phi {phiText(b.phi)}</span>
                {b.lift !== null && <span>lift {formatValue(b.lift)}×</span>}
                {h !== null && (
                  <span
                    className={h.tooSmall ? 'warn' : ''}
                    title="The benchmark applied to the most recent starters, who were not used to find it."
                  >
                    held out: {formatPercent(h.rateAbove)} vs {formatPercent(h.rateBelow)}, phi{' '}
                    {phiText(h.phi)}
                  </span>
                )}
                {b.tooSmall && (
                  <span
                    className="badge warn"
                    title="A side has fewer users than the minimum: do not trust this benchmark yet."
                  >
                    too few users
                  </span>
                )}
              </p>
              <p className="finding-actions small">
                <button type="button" className="link" onClick={() => onSelect(pick('above'))}>
                  {formatCount(b.above)} users at or above
                </button>
                <button type="button" className="link" onClick={() => onSelect(pick('below'))}>
                  {formatCount(b.below)} below
                </button>
                <BenchmarkToSegment
                  spec={spec}
                  metric={m.name}
                  label={m.label}
                  threshold={b.threshold}
                />
              </p>
            </li>
          );
        })}
      </ol>
      {result.metrics.length > FIRST && (
        <button type="button" className="ghost small add" onClick={() => setAll(!all)}>
          {all ? `Show the first ${FIRST}` : `Show all ${result.metrics.length} benchmarks`}
        </button>
      )}
    </section>
  );
}

/**
 * "Save as a segment": the benchmark as a dynamic segment (benchmarkSegment says how each kind
 * of metric is read), its members counted, and the Segments view a click away.
 */
function BenchmarkToSegment({
  spec,
  metric,
  label,
  threshold,
}: {
  spec: ThresholdsSpec;
  metric: string;
  label: string;
  threshold: number;
}) {
  const { api, jobs, navigate } = useApp();
  const [saved, setSaved] = useState<{ name: string; members: number | null } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const definition = spec.metrics.find((x) => x.name === metric);
  if (definition === undefined || definition.type === 'ratio') return null;
  const name = `${label} at least ${formatValue(threshold)}`;
  const save = async (): Promise<void> => {
    setError(null);
    try {
      const info = await jobs.run('saving the benchmark as a segment', (o) =>
        api['segments.save']({ name, spec: benchmarkSegment(spec, definition, threshold) }, o),
      );
      setSaved({ name: info.name, members: info.members });
    } catch (e) {
      setError((e as { message?: string }).message ?? String(e));
    }
  };
  if (saved !== null)
    return (
      <button type="button" className="link" onClick={() => navigate('segments')}>
        Saved “{saved.name}” ({formatCount(saved.members ?? 0)} members now) →
      </button>
    );
  return (
    <>
      <button
        type="button"
        className="link"
        title="A dynamic segment of the users who reach this benchmark, kept current after every import"
        onClick={() => void save()}
      >
        Save as a segment
      </button>
      {error !== null && <span className="warn">{error}</span>}
    </>
  );
}

/** Benchmarks per split group, and the dynamic (bottom percentile) thresholds by month. */
export function ThresholdDetails({ result, spec, onSelect }: PartProps) {
  const [good] = outcomeNames(result);
  const units = new Map(result.metrics.map((m) => [m.name, unitKind(m.unit)]));
  const split = result.split;
  return (
    <>
      {split !== null && split.groups.length > 0 && (
        <section className="panel" aria-label="Benchmarks by group">
          <h2>By {split.property}</h2>
          <div className="scroll-box">
            <table className="table compact" aria-label="Benchmarks by group">
              <thead>
                <tr>
                  <th>{split.property}</th>
                  <th className="num">Users</th>
                  <th className="num">{good}</th>
                  {result.metrics.map((m) => (
                    <th key={m.name} className="num" title={m.label}>
                      {m.name}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {split.groups.map((g) => (
                  <tr key={g.value}>
                    <td>
                      <button
                        type="button"
                        className="link cell-link"
                        title="Show the users of this group"
                        onClick={() => onSelect({ kind: 'thresholds', group: g.value, set: 'all' })}
                      >
                        {g.value}
                      </button>
                    </td>
                    <td className="num">{formatCount(g.users)}</td>
                    <td className="num">
                      {formatPercent(g.users === 0 ? null : g.positive / g.users)}
                    </td>
                    {result.metrics.map((m) => {
                      const b = g.benchmarks.find((x) => x.metric === m.name);
                      const kind = units.get(m.name) ?? 'value';
                      return (
                        <td
                          key={m.name}
                          className={`num${b?.tooSmall === true ? ' too-small' : ''}`}
                          title={
                            b === undefined || b.threshold === null
                              ? 'no threshold'
                              : `${formatPercent(b.rateAbove)} at or above vs ${formatPercent(b.rateBelow)} below; reach ${formatPercent(b.reach)}${b.tooSmall ? '; too few users' : ''}`
                          }
                        >
                          {b === undefined || b.threshold === null ? (
                            '–'
                          ) : (
                            <>
                              ≥ {valueText(kind, b.threshold)}{' '}
                              <span className="muted">φ {phiText(b.phi)}</span>
                              {b.tooSmall && ' ⚠'}
                            </>
                          )}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
      {result.dynamic.length > 0 && <DynamicTable result={result} spec={spec} />}
    </>
  );
}

function DynamicTable({ result, spec }: { result: ThresholdsResult; spec: ThresholdsSpec }) {
  const months = [...new Set(result.dynamic.flatMap((d) => d.months.map((m) => m.month)))].sort();
  const units = new Map(result.metrics.map((m) => [m.name, unitKind(m.unit)]));
  return (
    <section className="panel" aria-label="Dynamic thresholds">
      <h2>Bottom {formatValue(spec.percentile)}% by month of start</h2>
      <p className="muted small">
        Each metric’s {formatValue(spec.percentile)}th percentile: users below it are the bottom{' '}
        {formatValue(spec.percentile)}% of their starters.
      </p>
      <div className="scroll-box">
        <table className="table compact" aria-label="Dynamic thresholds">
          <thead>
            <tr>
              <th>Metric</th>
              <th className="num">All</th>
              {months.map((m) => (
                <th key={m} className="num">
                  {m}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {result.dynamic.map((d) => {
              const kind = units.get(d.metric) ?? 'value';
              return (
                <tr key={d.metric}>
                  <td>{d.metric}</td>
                  <td className="num">{valueText(kind, d.value)}</td>
                  {months.map((month) => {
                    const cell = d.months.find((x) => x.month === month);
                    return (
                      <td
                        key={month}
                        className="num"
                        title={cell === undefined ? '' : `${formatCount(cell.users)} users`}
                      >
                        {valueText(kind, cell?.value ?? null)}
                      </td>
                    );
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
