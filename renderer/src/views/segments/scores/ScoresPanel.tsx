import { useCallback, useMemo, useState } from 'react';
import { scoreWords, type ScoreResult, type ScoreSpec } from '../../../../../shared/specs/score';
import { formatCount } from '../../../../../shared/format';
import { useApp } from '../../../app-context';
import { Field } from '../../../analysis/controls';
import { ErrorNote } from '../../../components/ErrorNote';
import { guessTemplateInputs } from '../template-inputs';
import { BehaviouralEditor } from './BehaviouralEditor';
import { HealthEditor } from './HealthEditor';
import { NumberField } from './NumberField';
import { ScoreDownload } from './ScoreDownload';
import { ScoreHistory } from './ScoreHistory';
import { ScoredUsersTable } from './ScoredUsersTable';
import { BandCounts, ScoreHistogram, ScoreStats, ScoreValidationNote } from './ScoreSummary';
import {
  defaultHealth,
  loadStoredSpec,
  parsedSpec,
  setAsOf,
  storeSpec,
  switchType,
} from './score-draft';
import { SHOWN_USERS, useScoreRun } from './use-score';
import './scores.css';

const TYPES = [
  ['health', 'Health score'],
  ['behavioural', 'Behavioural score'],
] as const;

/** The spec last edited in this browser, or the default health score. */
function firstSpec(): ScoreSpec {
  try {
    return loadStoredSpec(localStorage) ?? defaultHealth();
  } catch {
    return defaultHealth();
  }
}

/**
 * Scores: a 0-100 health score from weighted percentiles in bands, or behavioural points per
 * event, computed for every user as it is edited: the spread, the bands, whether it foretold
 * churn, its weekly history, and the users lowest and falling. Kept in this browser (no saved
 * kind for scores yet).
 */
export function ScoresPanel() {
  const { info } = useApp();
  const [spec, setSpecState] = useState<ScoreSpec>(firstSpec);
  const [followed, setFollowed] = useState<string | null>(null);
  const setSpec = useCallback((next: ScoreSpec): void => {
    setSpecState(next);
    try {
      storeSpec(localStorage, next);
    } catch {
      // No storage: the spec lives as long as the window.
    }
  }, []);
  const guess = useMemo(
    () =>
      guessTemplateInputs({
        eventTypes: info?.eventTypes ?? [],
        properties: info?.properties ?? [],
      }),
    [info],
  );
  const events = useMemo(
    () => [...(info?.eventTypes ?? [])].sort((a, b) => b.events - a.events).map((t) => t.event),
    [info],
  );
  const live = useScoreRun(spec);
  const result = live.state === 'done' ? live.value : live.state === 'running' ? live.last : null;
  const valid = parsedSpec(spec);

  return (
    <div className="stack scores-panel">
      <section className="panel" aria-label="Score definition">
        <div className="panel-head">
          <h2>Score</h2>
          <TypeSwitch
            type={spec.type}
            onChange={(type) => setSpec(switchType(spec, type, events))}
          />
        </div>
        <WindowFields spec={spec} onChange={setSpec} lastDay={info?.days?.to ?? null} />
        {spec.type === 'health' ? (
          <HealthEditor
            spec={spec}
            events={events}
            coreFeatures={guess.coreFeatures}
            onChange={setSpec}
          />
        ) : (
          <BehaviouralEditor spec={spec} events={events} onChange={setSpec} />
        )}
        {valid !== null && (
          <p className="meaning" data-testid="score-words">
            {scoreWords(valid)}
          </p>
        )}
        {live.state === 'incomplete' && (
          <ul className="result-warnings" data-testid="score-problems">
            {live.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        )}
        <div className="row">
          <button type="button" className="small ghost" onClick={() => setSpec(defaultHealth())}>
            Start again from the default health score
          </button>
          <span className="grow" />
          <ScoreDownload spec={valid} />
        </div>
      </section>
      <div className="stack" data-testid="score-result" data-state={live.state}>
        {live.state === 'failed' && (
          <ErrorNote error={live.error} title="Could not compute the score" />
        )}
        {live.state === 'running' && live.last === null && (
          <p className="muted">Scoring every user…</p>
        )}
        {result !== null && (
          <ScoreResultView
            result={result}
            spec={spec}
            stale={live.state !== 'done'}
            followed={followed}
            onFollow={setFollowed}
          />
        )}
      </div>
      {valid !== null && (
        <ScoreHistory spec={valid} followed={followed} onUnfollow={() => setFollowed(null)} />
      )}
    </div>
  );
}

function TypeSwitch({
  type,
  onChange,
}: {
  type: ScoreSpec['type'];
  onChange: (type: ScoreSpec['type']) => void;
}) {
  return (
    <div className="score-type" role="radiogroup" aria-label="Score type">
      {TYPES.map(([value, text]) => (
        <label key={value} className={type === value ? 'selected' : undefined}>
          <input
            type="radio"
            name="score-type"
            value={value}
            checked={type === value}
            onChange={() => onChange(value)}
          />
          {text}
        </label>
      ))}
    </div>
  );
}

/** The window: the N days up to the as-of day (empty: the last day with data). */
function WindowFields({
  spec,
  lastDay,
  onChange,
}: {
  spec: ScoreSpec;
  lastDay: string | null;
  onChange: (spec: ScoreSpec) => void;
}) {
  return (
    <div className="row rule-line">
      <Field label="Window days" help="The score reads the N days up to the as-of day.">
        <NumberField
          label="Window days"
          value={spec.days}
          min={1}
          max={366}
          step={1}
          onChange={(days) => days !== undefined && onChange({ ...spec, days })}
        />
      </Field>
      <Field label="As of" help="The last day of the window; empty: the last day with data.">
        <input
          type="date"
          aria-label="As of"
          value={spec.asOf ?? ''}
          max={lastDay ?? undefined}
          onChange={(e) => onChange(setAsOf(spec, e.target.value))}
        />
      </Field>
      {spec.asOf === undefined && lastDay !== null && (
        <span className="muted small">as of the last day with data, {lastDay}</span>
      )}
    </div>
  );
}

/** What the engine answered: the numbers, the charts, the validation, the users. */
function ScoreResultView({
  result,
  spec,
  stale,
  followed,
  onFollow,
}: {
  result: ScoreResult;
  spec: ScoreSpec;
  stale: boolean;
  followed: string | null;
  onFollow: (userId: string | null) => void;
}) {
  // The result may be of the spec before the last edit: it is drawn with its own type.
  const components =
    spec.type === 'health' && result.type === 'health' ? spec.components.map((c) => c.name) : [];
  const drawnSpec = spec.type === result.type ? spec : null;
  return (
    <div className={`stack${stale ? ' score-stale' : ''}`} aria-busy={stale}>
      <section className="panel" aria-label="Score result">
        <ScoreStats result={result} />
      </section>
      <div className="score-grid">
        {drawnSpec !== null && <ScoreHistogram result={result} spec={drawnSpec} />}
        {result.bands !== null && <BandCounts result={result} />}
        <ScoreValidationNote validation={result.validation} />
      </div>
      <section className="panel" aria-label="Lowest scores">
        <div className="panel-head">
          <h2>Lowest scores</h2>
          <span className="muted small">
            the {formatCount(Math.min(SHOWN_USERS, result.bottom.length))} lowest of{' '}
            {formatCount(result.users)}
          </span>
        </div>
        <ScoredUsersTable
          users={result.bottom}
          label="Lowest-scoring users"
          components={components}
          followed={followed}
          onFollow={onFollow}
        />
      </section>
      <section className="panel" aria-label="Dropped">
        <div className="panel-head">
          <h2>Dropped more than 10%</h2>
          <span className="muted small" data-testid="dropped-count">
            {formatCount(result.dropped.users)} users score more than 10% lower than in the window
            before {result.window.from}
            {result.dropped.sample.length < result.dropped.users
              ? `; the ${formatCount(result.dropped.sample.length)} who fell most`
              : ''}
            . Usage: {formatCount(result.dropped.usage)} users did more than 10% fewer events.
          </span>
        </div>
        <ScoredUsersTable
          users={result.dropped.sample}
          label="Users whose score dropped"
          components={components}
          followed={followed}
          onFollow={onFollow}
        />
      </section>
    </div>
  );
}
