import { useEffect, useState } from 'react';
import type { ScoreHistoryPoint } from '../../../../shared/specs/score';
import { bandOf } from '../../../../shared/specs/score';
import { useApp } from '../../app-context';
import { defaultHealth, loadStoredSpec, type HealthSpec } from '../segments/scores/score-draft';

const WEEKS = 12;

/** The health score the Scores tab has (when it is a health score), else the default one. */
function healthSpec(): HealthSpec {
  try {
    const stored = loadStoredSpec(localStorage);
    if (stored?.type === 'health') return stored;
  } catch {
    // Storage blocked: the default score.
  }
  return defaultHealth();
}

/** Eight block characters, lowest to highest: a score's weeks at a glance. */
const BLOCKS = '▁▂▃▄▅▆▇█';
const spark = (values: (number | null)[]): string =>
  values
    .map((v) => (v === null ? ' ' : (BLOCKS[Math.min(7, Math.floor(v / 12.5))] ?? ' ')))
    .join('');

/**
 * The user's health score on their timeline: this week's score and band, and the last 12 weeks
 * as a sparkline, read after the events (it scores every user to place this one).
 */
export function UserHealth({ userId }: { userId: string }) {
  const { api, jobs } = useApp();
  const [points, setPoints] = useState<ScoreHistoryPoint[] | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [spec] = useState(healthSpec);

  useEffect(() => {
    let live = true;
    setPoints(null);
    setFailed(null);
    jobs
      .run(`health score of ${userId}`, (o) =>
        api['scores.history']({ spec, weeks: WEEKS, userId }, o),
      )
      .then(
        (p) => {
          if (live) setPoints(p);
        },
        (e: unknown) => {
          if (live && (e as { code?: string }).code !== 'CANCELLED')
            setFailed((e as { message?: string }).message ?? String(e));
        },
      );
    return () => {
      live = false;
    };
  }, [api, jobs, spec, userId]);

  const now = points?.at(-1)?.user ?? null;
  return (
    <div className="user-health" data-testid="user-health">
      <dt>Health</dt>
      <dd>
        {failed !== null
          ? `not scored: ${failed}`
          : points === null
            ? 'scoring…'
            : now === null
              ? 'not seen by the last week'
              : `${now.toFixed(0)} (${bandOf(now, spec.bands)})`}
        {points !== null && (
          <span
            className="spark"
            title={`Weekly health score, ${points[0]?.asOf ?? ''} to ${points.at(-1)?.asOf ?? ''}`}
          >
            {' '}
            {spark(points.map((p) => p.user))}
          </span>
        )}
      </dd>
    </div>
  );
}
