import { COMPARISONS, type Comparison, type ScoreRule } from '../../../../shared/specs/segment';
import { BANDS, scoreWords, type Band } from '../../../../shared/specs/score';
import { Field } from '../../analysis/controls';

/**
 * A user's score as of the segment's day: in a band of the health score ("at risk"), or
 * compared with a value. The score itself is the one the rule holds (the default health score
 * for a new condition), said in words.
 */
export function ScoreRuleEditor({
  rule,
  onChange,
}: {
  rule: ScoreRule;
  onChange: (r: ScoreRule) => void;
}) {
  const byBand = rule.band !== undefined;
  const { band: _band, op: _op, value: _value, ...base } = rule;
  return (
    <div className="rule-line">
      <p className="muted small">{scoreWords(rule.score)}</p>
      <div className="row">
        {rule.score.type === 'health' && (
          <Field label="Test" help="The band of the health score, or the score against a value.">
            <select
              aria-label="Score test"
              value={byBand ? 'band' : 'value'}
              onChange={(e) =>
                onChange(
                  e.target.value === 'band'
                    ? { ...base, band: 'at risk' }
                    : { ...base, op: '<', value: 40 },
                )
              }
            >
              <option value="band">is in the band</option>
              <option value="value">compared with a value</option>
            </select>
          </Field>
        )}
        {byBand ? (
          <Field label="Band" help="Healthy, watch or at risk, by the score's cut-offs.">
            <select
              aria-label="Band"
              value={rule.band}
              onChange={(e) => onChange({ ...base, band: e.target.value as Band })}
            >
              {BANDS.map((b) => (
                <option key={b} value={b}>
                  {b}
                </option>
              ))}
            </select>
          </Field>
        ) : (
          <>
            <Field label="Is" help="How the score compares.">
              <select
                aria-label="Score comparison"
                value={rule.op ?? '<'}
                onChange={(e) =>
                  onChange({ ...base, op: e.target.value as Comparison, value: rule.value ?? 0 })
                }
              >
                {COMPARISONS.map((op) => (
                  <option key={op} value={op}>
                    {op}
                  </option>
                ))}
              </select>
            </Field>
            <Field label="Value" help="The score to compare with (health: 0-100).">
              <input
                aria-label="Score value"
                type="number"
                value={rule.value ?? 0}
                onChange={(e) =>
                  onChange({ ...base, op: rule.op ?? '<', value: Number(e.target.value) })
                }
              />
            </Field>
          </>
        )}
      </div>
    </div>
  );
}
