import { useMemo, useState } from 'react';
import { formatCount } from '../../../../../shared/format';
import {
  CAME_BACK_DAYS,
  MAX_BACKTEST_DAYS,
  type TriggerBacktestResult,
  type TriggerSpec,
} from '../../../../../shared/specs/trigger';
import { useApp } from '../../../app-context';
import { Chart } from '../../../components/Chart';
import { ErrorNote } from '../../../components/ErrorNote';
import { formatSeconds } from '../../../lib/format';
import { backtestOption, OUTCOMES } from './backtest-chart';
import { backtestWords, defaultBacktestRange } from './trigger-draft';

/**
 * The trigger replayed over past days: fires per day stacked by what happened next, and the
 * shares of all fires. Run on request (a replay reads every day of the range), and marked as
 * out of date once the trigger changes.
 */
export function BacktestPanel({
  spec,
  asOfDay,
}: {
  /** The trigger as it is now, or null while it has problems. */
  spec: TriggerSpec | null;
  /** The as-of day the range ends on by default. */
  asOfDay: string | undefined;
}) {
  const { api, jobs, info, theme } = useApp();
  const [range, setRange] = useState<{ from: string; to: string } | null>(null);
  const [answer, setAnswer] = useState<{ key: string; result: TriggerBacktestResult } | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const shown =
    range ?? (asOfDay === undefined ? null : defaultBacktestRange(asOfDay, info?.days?.from));
  const key = JSON.stringify({ spec, shown });
  const option = useMemo(
    () => (answer === null ? null : backtestOption(answer.result.days)),
    [answer],
  );

  const run = async (): Promise<void> => {
    if (spec === null || shown === null) return;
    setRunning(true);
    setError(null);
    try {
      const result = await jobs.run('replaying the trigger', (o) =>
        api['triggers.backtest']({ spec, from: shown.from, to: shown.to }, o),
      );
      setAnswer({ key, result });
    } catch (e) {
      setError(e);
    } finally {
      setRunning(false);
    }
  };

  const r = answer?.result;
  return (
    <section className="panel trigger-backtest" aria-label="Backtest">
      <div className="panel-head">
        <h2>Backtest</h2>
        <span className="muted small">
          Did the fired users come back within {CAME_BACK_DAYS} days on their own, or churn?
        </span>
      </div>
      <div className="row rule-line">
        <label className="field">
          <span>From</span>
          <input
            type="date"
            aria-label="Backtest from"
            value={shown?.from ?? ''}
            min={info?.days?.from}
            max={shown?.to}
            onChange={(e) => shown !== null && setRange({ ...shown, from: e.target.value })}
          />
        </label>
        <label className="field">
          <span>To</span>
          <input
            type="date"
            aria-label="Backtest to"
            value={shown?.to ?? ''}
            min={shown?.from}
            max={info?.days?.to}
            onChange={(e) => shown !== null && setRange({ ...shown, to: e.target.value })}
          />
        </label>
        {range !== null && (
          <button type="button" className="small ghost" onClick={() => setRange(null)}>
            Last 90 days
          </button>
        )}
        <button
          type="button"
          className="primary"
          disabled={spec === null || shown === null || running}
          onClick={() => void run()}
        >
          {running ? 'Replaying…' : 'Run backtest'}
        </button>
        <span className="muted small">at most {MAX_BACKTEST_DAYS} days</span>
      </div>
      <ErrorNote error={error} title="The backtest could not run" />
      {r !== undefined && (
        <>
          <p
            className={`backtest-words${answer?.key === key ? '' : ' outdated'}`}
            data-testid="backtest-words"
          >
            <strong>{backtestWords(r)}</strong>
            <span className="muted small">
              {' '}
              · {formatCount(r.users)} users, {r.from} → {r.to}, replayed in{' '}
              {formatSeconds(r.seconds)}
            </span>
            {answer?.key !== key && (
              <span className="badge warn">the trigger or range changed: run it again</span>
            )}
          </p>
          <BacktestTotals result={r} />
          {r.warnings.map((w) => (
            <p key={w} className="live-warning">
              {w}
            </p>
          ))}
          {option !== null && (
            <Chart
              option={option}
              theme={theme}
              height={300}
              label="Fires per day, stacked as came back, churned and not known yet"
            />
          )}
        </>
      )}
    </section>
  );
}

/** The totals as numbers the e2e and a reader can check: fires and each outcome. */
function BacktestTotals({ result }: { result: TriggerBacktestResult }) {
  return (
    <dl className="backtest-totals" data-testid="backtest-totals">
      <div>
        <dt>fires</dt>
        <dd data-outcome="fires">{formatCount(result.fires)}</dd>
      </div>
      {OUTCOMES.map((o) => (
        <div key={o.key}>
          <dt>
            <span className="outcome-dot" style={{ background: o.color }} aria-hidden />
            {o.name}
          </dt>
          <dd data-outcome={o.key}>{formatCount(result[o.key])}</dd>
        </div>
      ))}
    </dl>
  );
}
