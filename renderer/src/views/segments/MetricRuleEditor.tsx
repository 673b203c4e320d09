import { useApp } from '../../app-context';
import { COMPARISONS, type Comparison, type MetricRule } from '../../../../shared/specs/segment';
import { metricWords, type MetricDefinition } from '../../../../shared/specs/user-metrics';
import { Field } from '../../analysis/controls';
import { useRuleChoices } from './RuleBuilder';
import {
  choicesOf,
  isShare,
  METRIC_PRESETS,
  presetMetric,
  presetOf,
  type MetricChoices,
  type MetricPreset,
} from './metric-presets';

const NUMERIC = /INT|DOUBLE|FLOAT|DECIMAL|REAL|NUMERIC/i;

/** A per-user metric over the last N days, compared with a number. */
export function MetricRuleEditor({
  rule,
  onChange,
}: {
  rule: MetricRule;
  onChange: (r: MetricRule) => void;
}) {
  const { info } = useApp();
  const { defaults, coreFeatures } = useRuleChoices();
  const preset = presetOf(rule.metric);
  const numericProperties = (info?.properties ?? [])
    .filter((p) => NUMERIC.test(p.type))
    .map((p) => p.name);
  const choices = choicesOf(rule.metric, {
    event: defaults.event,
    features: coreFeatures,
    property: numericProperties[0] ?? '',
  });
  const setChoices = (next: Partial<MetricChoices>): void => {
    if (preset !== null)
      onChange({ ...rule, metric: asRuleMetric(presetMetric(preset, { ...choices, ...next })) });
  };
  const share = isShare(rule.metric);
  const events = info?.eventTypes ?? [];
  return (
    <div className="stack rule-fields">
      <div className="row rule-line">
        <Field label="Metric" help="A number per user over the window.">
          <select
            aria-label="Metric"
            value={preset ?? ''}
            onChange={(e) => {
              const p = e.target.value as MetricPreset;
              const next = presetMetric(p, choices);
              // A share is compared in 0-1: a count's threshold means nothing as a share.
              const value =
                isShare(next) && !share ? 0.5 : !isShare(next) && share ? 1 : rule.value;
              onChange({ ...rule, metric: asRuleMetric(next), value });
            }}
          >
            {preset === null && <option value="">{metricWords(rule.metric)}</option>}
            {METRIC_PRESETS.map(([v, text]) => (
              <option key={v} value={v}>
                {text}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Is" help="How the user's value compares with the number.">
          <select
            aria-label="Comparison"
            value={rule.op}
            onChange={(e) => onChange({ ...rule, op: e.target.value as Comparison })}
          >
            {COMPARISONS.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </Field>
        <Field
          label={share ? 'Percent' : 'Value'}
          help={share ? 'A share of the core features, in percent.' : 'The number compared with.'}
        >
          <input
            type="number"
            aria-label="Metric value"
            className="narrow-number"
            step="any"
            value={share ? round(rule.value * 100) : rule.value}
            onChange={(e) => {
              const n = Number(e.target.value);
              if (e.target.value !== '' && Number.isFinite(n))
                onChange({ ...rule, value: share ? n / 100 : n });
            }}
          />
        </Field>
        <Field label="Over days" help="The window: the N days up to the as-of day.">
          <input
            type="number"
            aria-label="Metric days"
            min={1}
            className="narrow-number"
            value={rule.days}
            onChange={(e) =>
              onChange({ ...rule, days: Math.max(1, Math.round(Number(e.target.value))) })
            }
          />
        </Field>
      </div>
      {(preset === 'countPerWeek' || preset === 'propertySum') && (
        <div className="row rule-line">
          <Field label="Event" help="The event counted (or whose property is summed).">
            <select
              aria-label="Metric event"
              value={choices.event}
              onChange={(e) => setChoices({ event: e.target.value })}
            >
              {events.map((t) => (
                <option key={t.event} value={t.event}>
                  {t.event}
                </option>
              ))}
            </select>
          </Field>
          {preset === 'propertySum' && (
            <Field label="Property" help="A numeric property of the event (revenue, items).">
              <select
                aria-label="Metric property"
                value={choices.property}
                onChange={(e) => setChoices({ property: e.target.value })}
              >
                {numericProperties.length === 0 && <option value="">no numeric property</option>}
                {numericProperties.map((p) => (
                  <option key={p} value={p}>
                    {p}
                  </option>
                ))}
              </select>
            </Field>
          )}
        </div>
      )}
      {preset === 'featureShare' && (
        <FeaturePicker
          value={choices.features}
          events={events.map((t) => t.event)}
          onChange={(features) => setChoices({ features })}
        />
      )}
      {preset === null && (
        <p className="muted small">
          {metricWords(rule.metric)}: pick a metric above to change it; kept as it is otherwise.
        </p>
      )}
    </div>
  );
}

/** A preset is never a ratio, which is all a rule's metric refuses. */
const asRuleMetric = (m: MetricDefinition): MetricRule['metric'] => m as MetricRule['metric'];

const round = (n: number): number => Math.round(n * 1000) / 1000;

/** The core features of an adoption share: events toggled on and off. */
export function FeaturePicker({
  value,
  events,
  onChange,
}: {
  value: string[];
  events: string[];
  onChange: (features: string[]) => void;
}) {
  return (
    <fieldset className="feature-picker">
      <legend>
        Core features <span className="muted">({value.length} chosen)</span>
      </legend>
      <div className="feature-options">
        {events.map((e) => (
          <label key={e} className="check">
            <input
              type="checkbox"
              checked={value.includes(e)}
              onChange={(x) =>
                onChange(x.target.checked ? [...value, e] : value.filter((f) => f !== e))
              }
            />
            {e}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
