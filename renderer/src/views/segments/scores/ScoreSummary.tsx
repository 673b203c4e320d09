import { useMemo } from 'react';
import type { ScoreResult, ScoreSpec, ScoreValidation } from '../../../../../shared/specs/score';
import { formatCount, formatPercent, formatValue } from '../../../../../shared/format';
import { useApp } from '../../../app-context';
import { Chart } from '../../../components/Chart';
import { formatSeconds } from '../../../lib/format';
import { BAND_COLORS, bandsOption, histogramOption } from './score-charts';
import { scoredWords, validationWarning, validationWords } from './score-draft';

/** Users scored, mean and median, and the engine's warnings (an event nobody did). */
export function ScoreStats({ result }: { result: ScoreResult }) {
  return (
    <div className="stack tight">
      <p className="score-stats">
        <span data-testid="score-users">{scoredWords(result)}</span>
        <span className="score-stat">
          mean <strong data-testid="score-mean">{formatValue(result.mean)}</strong>
        </span>
        <span className="score-stat">
          median <strong data-testid="score-median">{formatValue(result.median)}</strong>
        </span>
        <span className="muted small">in {formatSeconds(result.seconds)}</span>
      </p>
      {result.warnings.length > 0 && (
        <ul className="result-warnings">
          {result.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** How the scores spread (health: bars of 5 points coloured by band). */
export function ScoreHistogram({ result, spec }: { result: ScoreResult; spec: ScoreSpec }) {
  const { theme } = useApp();
  const bands = spec.type === 'health' ? spec.bands : null;
  const option = useMemo(() => histogramOption(result, bands), [result, bands]);
  return (
    <section className="panel" aria-label="Score distribution">
      <div className="panel-head">
        <h2>Distribution</h2>
        <span className="muted small">users per score</span>
      </div>
      <Chart option={option} theme={theme} height={240} label="Users per score range" />
    </section>
  );
}

/** Users per band as counts with their shares, and as one bar split in three. */
export function BandCounts({ result }: { result: ScoreResult }) {
  const { theme } = useApp();
  const bands = result.bands ?? [];
  const option = useMemo(() => bandsOption(bands), [bands]);
  return (
    <section className="panel" aria-label="Bands">
      <div className="panel-head">
        <h2>Bands</h2>
      </div>
      <ul className="band-counts" data-testid="band-counts">
        {bands.map((b) => (
          <li key={b.band} data-band={b.band}>
            <span className="band-dot" style={{ background: BAND_COLORS[b.band] }} aria-hidden />
            <span className="band-name">{b.band}</span>
            <strong data-testid={`band-${b.band.replace(' ', '-')}`}>{formatCount(b.users)}</strong>
            <span className="muted small">
              {formatPercent(result.users > 0 ? b.users / result.users : null)}
            </span>
          </li>
        ))}
      </ul>
      <Chart option={option} theme={theme} height={76} label="Users per band" />
    </section>
  );
}

/** How well the score taken 30 days before the data's end told who churned, said plainly. */
export function ScoreValidationNote({ validation }: { validation: ScoreValidation | null }) {
  if (validation === null)
    return (
      <section className="panel" aria-label="Validation">
        <div className="panel-head">
          <h2>Does it predict churn?</h2>
        </div>
        <p className="muted" data-testid="validation-words">
          Not checked: the data does not reach far enough back for a score taken 30 days before its
          last day.
        </p>
      </section>
    );
  const warning = validationWarning(validation);
  return (
    <section className="panel" aria-label="Validation">
      <div className="panel-head">
        <h2>Does it predict churn?</h2>
        <span className="muted small">
          {formatCount(validation.churned)} of {formatCount(validation.users)} churned
        </span>
      </div>
      <p data-testid="validation-words">{validationWords(validation)}</p>
      {warning !== null && (
        <p className="warning" role="status" data-testid="validation-warning">
          {warning}
        </p>
      )}
      <p className="muted small">
        AUC: the chance that a user who churned scored lower than one who stayed (1 separates them
        perfectly). Churned: no event in the 30 days after the day the score was taken.
      </p>
    </section>
  );
}
