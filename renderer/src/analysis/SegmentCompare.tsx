import { useEffect, useMemo, useRef, useState } from 'react';
import type { SegmentComparison } from '../../../shared/api/segment-types';
import type { AnalysisSpec } from '../../../shared/specs/analysis-spec';
import { resultTable } from '../../../shared/specs/result-table';
import type { UserSelection } from '../../../shared/specs/users-behind';
import { useApp } from '../app-context';
import { Chart } from '../components/Chart';
import { ErrorNote } from '../components/ErrorNote';
import { SortableTable } from '../components/SortableTable';
import { formatNumber } from '../lib/format';
import type { Row } from '../lib/arrow';
import { compareChart, segmentSelection, withSegmentOf } from './compare-chart';
import { kindCharts } from './kinds';
import { segmentLabel, useSavedSegments } from './saved-segments';
import { incompleteBecause } from './spec-check';

/** Most rows of the side-by-side numbers shown (every side's own table, one after the other). */
const SHOWN_ROWS = 500;

/**
 * "Compare segments": the analysis once per chosen saved segment and for everyone else, in one
 * chart where the kind draws groups (retention curves, funnel bars, trend lines), else each
 * side's own chart; a click opens the users behind the number in that side.
 */
export function SegmentCompare({
  spec,
  onOpenUsers,
}: {
  spec: AnalysisSpec;
  onOpenUsers: (spec: AnalysisSpec, select: UserSelection) => void;
}) {
  const { api, jobs, theme } = useApp();
  const { segments, reload } = useSavedSegments();
  const [chosen, setChosen] = useState<string[]>([]);
  const [rest, setRest] = useState(true);
  const [comparison, setComparison] = useState<SegmentComparison | null>(null);
  const [answered, setAnswered] = useState<AnalysisSpec | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const job = useRef<string | null>(null);
  const known = chosen.filter((id) => segments.some((s) => s.id === id));
  const key = JSON.stringify({ spec, known, rest });

  useEffect(() => {
    if (known.length === 0 || incompleteBecause(spec) !== null) {
      setComparison(null);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      if (job.current !== null) jobs.cancel(job.current);
      setRunning(true);
      setError(null);
      jobs
        .run('comparing segments', (options) => {
          job.current = options.jobId ?? null;
          return api['analysis.compare']({ spec, segments: known, rest }, options);
        })
        .then(
          (result) => {
            if (!live) return;
            setComparison(result);
            setAnswered(spec);
          },
          (e: unknown) => {
            if (live && (e as { code?: string }).code !== 'CANCELLED') setError(e);
          },
        )
        .finally(() => {
          if (live) setRunning(false);
          job.current = null;
        });
    }, 300);
    return () => {
      live = false;
      clearTimeout(timer);
    };
    // Compared by value: the same question is not asked twice.
  }, [key]);

  const merged = useMemo(
    () =>
      comparison === null || answered === null ? null : compareChart(comparison.groups, answered),
    [comparison, answered],
  );
  const rows = useMemo((): Row[] => {
    if (comparison === null) return [];
    return comparison.groups
      .flatMap((g) => resultTable(g.result).rows.map((r) => ({ segment: g.label, ...r }) as Row))
      .slice(0, SHOWN_ROWS);
  }, [comparison]);
  const columns = useMemo(() => {
    const first = comparison?.groups[0];
    if (first === undefined) return [];
    const table = resultTable(first.result);
    return ['segment', ...table.columns].map((id) => ({
      id,
      header: id,
      numeric: rows.some((r) => typeof r[id] === 'number'),
    }));
  }, [comparison, rows]);

  if (segments.length === 0) {
    return (
      <section className="panel compare-panel">
        <h2>Compare segments</h2>
        <p className="muted small">
          Save segments in the Segments view (or from any number) to compare them here side by side.
        </p>
      </section>
    );
  }
  return (
    <section className="panel compare-panel" aria-label="Compare segments" aria-busy={running}>
      <div className="panel-head">
        <h2>Compare segments</h2>
        <span className="muted small" data-testid="compare-status">
          {running ? 'computing…' : comparison !== null ? `${comparison.groups.length} groups` : ''}
        </span>
      </div>
      <div className="compare-controls">
        <select
          multiple
          aria-label="Segments to compare"
          size={Math.min(5, Math.max(2, segments.length))}
          value={known}
          onFocus={reload}
          onChange={(e) =>
            setChosen([...e.target.selectedOptions].map((o) => o.value).slice(0, 10))
          }
        >
          {segments.map((s) => (
            <option key={s.id} value={s.id}>
              {segmentLabel(s)}
            </option>
          ))}
        </select>
        <label className="check">
          <input type="checkbox" checked={rest} onChange={(e) => setRest(e.target.checked)} /> and
          everyone else
        </label>
        {known.length === 0 && (
          <p className="muted small">Pick one or more segments (Ctrl/⌘-click for several).</p>
        )}
      </div>
      <ErrorNote error={error} title="The segments could not be compared" />
      {comparison !== null && comparison.warnings.length > 0 && (
        <ul className="result-warnings" data-testid="compare-warnings">
          {comparison.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
      {comparison !== null && (
        <p className="muted small" data-testid="compare-sizes">
          {comparison.groups.map((g) => `${g.label}: ${formatNumber(g.members)} users`).join(' · ')}
        </p>
      )}
      {comparison !== null && answered !== null && merged !== null && (
        <Chart
          option={merged.option}
          theme={theme}
          label="Segments compared"
          height={320}
          onItemClick={(data) => {
            const selection = (data as { selection?: UserSelection } | undefined)?.selection;
            if (selection === undefined) return;
            const target = segmentSelection(merged, comparison.groups, answered, selection);
            if (target !== null) onOpenUsers(target.spec, target.select);
          }}
        />
      )}
      {comparison !== null && answered !== null && merged === null && (
        <div className="compare-multiples">
          {comparison.groups.map((g, i) => {
            const charts = kindCharts(g.result, answered);
            return (
              charts !== null && (
                <div key={g.label}>
                  <h3>{g.label}</h3>
                  <Chart
                    option={charts.option}
                    theme={theme}
                    label={`${g.label} chart`}
                    height={240}
                    onItemClick={(data) => {
                      const selection = (data as { selection?: UserSelection } | undefined)
                        ?.selection;
                      if (selection !== undefined)
                        onOpenUsers(withSegmentOf(answered, comparison.groups, i), selection);
                    }}
                  />
                </div>
              )
            );
          })}
        </div>
      )}
      {rows.length > 0 && (
        <div className="scroll-box">
          <SortableTable columns={columns} rows={rows} label="Segments compared, numbers" />
        </div>
      )}
    </section>
  );
}
