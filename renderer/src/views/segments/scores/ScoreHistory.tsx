import { useMemo } from 'react';
import type { ScoreSpec } from '../../../../../shared/specs/score';
import { useApp } from '../../../app-context';
import { Chart } from '../../../components/Chart';
import { ErrorNote } from '../../../components/ErrorNote';
import { scoreHistoryOption } from './score-charts';
import { HISTORY_WEEKS, useScoreHistory } from './use-score';

/** The score week by week for 12 weeks: its mean, the bands (health), a followed user's own. */
export function ScoreHistory({
  spec,
  followed,
  onUnfollow,
}: {
  spec: ScoreSpec;
  followed: string | null;
  onUnfollow: () => void;
}) {
  const { theme } = useApp();
  const live = useScoreHistory(spec, followed);
  const points = live.state === 'done' ? live.value : live.state === 'running' ? live.last : null;
  const option = useMemo(
    () => (points === null ? null : scoreHistoryOption(points, spec.type)),
    [points, spec.type],
  );
  return (
    <section className="panel" aria-label="Score history" data-state={live.state}>
      <div className="panel-head">
        <h2>Week by week</h2>
        <span className="row">
          {followed !== null && (
            <span className="muted small">
              with {followed}’s own score{' '}
              <button type="button" className="small ghost" onClick={onUnfollow}>
                Clear
              </button>
            </span>
          )}
          {live.state === 'running' && <span className="muted small">computing…</span>}
        </span>
      </div>
      {live.state === 'failed' && (
        <ErrorNote error={live.error} title="Could not compute the score week by week" />
      )}
      {option === null && live.state === 'running' && (
        <p className="muted">Scoring each of the last {HISTORY_WEEKS} weeks…</p>
      )}
      {option !== null && (
        <div className={live.state === 'running' ? 'score-stale' : undefined}>
          <Chart
            option={option}
            theme={theme}
            height={280}
            label={`Mean score${spec.type === 'health' ? ' and users per band' : ''} per week, last ${HISTORY_WEEKS} weeks`}
          />
        </div>
      )}
    </section>
  );
}
