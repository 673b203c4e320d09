import { useEffect, useMemo, useState } from 'react';
import type { SegmentHistoryPoint, SegmentInfo } from '../../../../shared/api/segment-types';
import { formatCount } from '../../../../shared/format';
import { metricsSpecSchema, type MetricsResult } from '../../../../shared/specs/metrics';
import { useApp } from '../../app-context';
import { MetricsUserTable } from '../../analysis/kinds/metrics/UserTable';
import { Chart } from '../../components/Chart';
import { ErrorNote } from '../../components/ErrorNote';
import { historyOption } from './history-chart';
import { computedWords, sizeWords } from './segment-words';

/** A saved segment: what it is, how big, how it moved, and who its members are. */
export function SegmentDetail({
  segment,
  onEdit,
  onRefresh,
}: {
  segment: SegmentInfo;
  onEdit: (() => void) | null;
  onRefresh: () => Promise<void>;
}) {
  const [refreshing, setRefreshing] = useState(false);
  const description = (segment.spec as { description?: unknown } | null)?.description;
  return (
    <div className="stack segment-detail" data-testid="segment-detail">
      <section className="panel" aria-label="Segment">
        <div className="panel-head">
          <h2>
            {segment.name} <span className="tag">{segment.type}</span>
            {segment.small && <span className="badge warn">small</span>}
            {segment.stale && <span className="badge stale-badge">stale</span>}
          </h2>
          <span className="row">
            {segment.type === 'dynamic' && (
              <button
                type="button"
                className="small"
                disabled={refreshing}
                onClick={() => {
                  setRefreshing(true);
                  void onRefresh().finally(() => setRefreshing(false));
                }}
              >
                {refreshing ? 'Refreshing…' : 'Recompute'}
              </button>
            )}
            {onEdit !== null && (
              <button type="button" className="small primary" onClick={onEdit}>
                Edit rule
              </button>
            )}
          </span>
        </div>
        <p className="segment-size" data-testid="segment-size">
          {segment.members === null
            ? 'Not computed yet.'
            : sizeWords({
                members: segment.members,
                population: segment.population,
                asOf: segment.asOf,
              })}
          {segment.pinned && <span className="muted small"> (as-of day pinned)</span>}
        </p>
        <p className="meaning">{segment.definition}</p>
        {typeof description === 'string' && <p className="muted">{description}</p>}
        <p className="muted small">
          Computed {computedWords(segment.computedAt, segment.seconds)} · saved{' '}
          {segment.createdAt.slice(0, 10)}
          {segment.updatedAt !== segment.createdAt
            ? `, changed ${segment.updatedAt.slice(0, 10)}`
            : ''}
        </p>
        {segment.warnings.length > 0 && (
          <ul className="result-warnings">
            {segment.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        )}
      </section>
      <SizeHistory segment={segment} />
      <SegmentMembers segment={segment} />
    </div>
  );
}

/** Members per week over the last 12 weeks, with who entered and left each week. */
function SizeHistory({ segment }: { segment: SegmentInfo }) {
  const { api, jobs, theme } = useApp();
  const [points, setPoints] = useState<SegmentHistoryPoint[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const dynamic = segment.type === 'dynamic';
  useEffect(() => {
    if (!dynamic) return undefined;
    let current = true;
    setPoints(null);
    setError(null);
    jobs
      .run(`size over time of ${segment.name}`, (o) =>
        api['segments.history']({ id: segment.id, interval: 'week', points: 12 }, o),
      )
      .then(
        (p) => current && setPoints(p),
        (e: unknown) => current && setError(e),
      );
    return () => {
      current = false;
    };
  }, [api, jobs, segment.id, segment.computedAt, dynamic]);
  const option = useMemo(() => (points === null ? null : historyOption(points)), [points]);
  const moved = points?.slice(1) ?? [];
  return (
    <section className="panel" aria-label="Size over time">
      <div className="panel-head">
        <h2>Size over time</h2>
        {moved.length > 0 && (
          <span className="muted small">
            last 12 weeks: {formatCount(moved.reduce((n, p) => n + (p.entered ?? 0), 0))} entered,{' '}
            {formatCount(moved.reduce((n, p) => n + (p.left ?? 0), 0))} left
          </span>
        )}
      </div>
      {!dynamic && (
        <p className="muted">
          A static segment’s members were fixed when it was saved: they do not change, so it has no
          history.
        </p>
      )}
      <ErrorNote error={error} title="Could not compute the segment's history" />
      {dynamic && points === null && error === null && <p className="muted">Computing…</p>}
      {option !== null && (
        <Chart
          option={option}
          theme={theme}
          height={320}
          label={`Members of ${segment.name} per week, with entered and left`}
        />
      )}
    </section>
  );
}

/**
 * The members with their metrics over the 28 days up to the segment's as-of day: the per-user
 * metrics table of the metrics view, filtered to the segment (same grid, sort, filters, export).
 */
function SegmentMembers({ segment }: { segment: SegmentInfo }) {
  const { api, jobs } = useApp();
  const spec = useMemo(
    () =>
      metricsSpecSchema.parse({
        kind: 'metrics',
        segment: segment.id,
        window: {
          type: 'calendar',
          days: 28,
          ...(segment.asOf === null ? {} : { asOf: segment.asOf }),
        },
      }),
    [segment.id, segment.asOf],
  );
  const [result, setResult] = useState<MetricsResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let current = true;
    setResult(null);
    setError(null);
    jobs
      .run(`metrics of the members of ${segment.name}`, (o) => api['analysis.run']({ spec }, o))
      .then(
        (r) => current && r.kind === 'metrics' && setResult(r),
        (e: unknown) => current && setError(e),
      );
    return () => {
      current = false;
    };
  }, [api, jobs, spec, segment.computedAt]);
  if (error !== null)
    return <ErrorNote error={error} title="Could not compute the members' metrics" />;
  if (result === null)
    return (
      <section className="panel" aria-label="Members">
        <h2>Members</h2>
        <p className="muted">Computing each member’s metrics…</p>
      </section>
    );
  return (
    <div className="segment-members" data-testid="segment-members-grid">
      <MetricsUserTable spec={spec} result={result} />
    </div>
  );
}
