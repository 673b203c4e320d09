import { useState } from 'react';
import type { HealthComponent } from '../../../../../shared/specs/score';
import { metricLabel } from '../../../../../shared/specs/user-metrics';
import { formatPercent } from '../../../../../shared/format';
import { Field } from '../../../analysis/controls';
import { FeaturePicker } from '../MetricRuleEditor';
import type { MetricChoices } from '../metric-presets';
import { NumberField } from './NumberField';
import {
  addComponent,
  COMPONENT_PRESETS,
  removeComponent,
  updateComponent,
  weightOfPercent,
  weightPercent,
  weightShares,
  type ComponentPreset,
  type HealthSpec,
} from './score-draft';

/** A health score's components (what each measures, its weight, which way is better) and bands. */
export function HealthEditor({
  spec,
  events,
  coreFeatures,
  onChange,
}: {
  spec: HealthSpec;
  /** The workspace's event names, most frequent first. */
  events: readonly string[];
  coreFeatures: readonly string[];
  onChange: (spec: HealthSpec) => void;
}) {
  return (
    <div className="stack">
      <ComponentsTable spec={spec} events={events} onChange={onChange} />
      <AddComponent
        events={events}
        coreFeatures={coreFeatures}
        onAdd={(preset, choices) => onChange(addComponent(spec, preset, choices))}
      />
      <BandCutoffs spec={spec} onChange={onChange} />
    </div>
  );
}

function ComponentsTable({
  spec,
  events,
  onChange,
}: {
  spec: HealthSpec;
  events: readonly string[];
  onChange: (spec: HealthSpec) => void;
}) {
  const shares = weightShares(spec.components);
  const total = spec.components.reduce((n, c) => n + c.weight, 0);
  const set = (i: number, change: Partial<HealthComponent>): void =>
    onChange(updateComponent(spec, i, change));
  return (
    <div className="stack tight">
      <table className="table score-components" aria-label="Health components">
        <thead>
          <tr>
            <th>Component</th>
            <th>Metric</th>
            <th className="num">Weight %</th>
            <th className="num">Share</th>
            <th>Better</th>
            <th aria-label="Remove" />
          </tr>
        </thead>
        <tbody>
          {spec.components.map((c, i) => (
            <tr key={i} data-component={c.name}>
              <td>
                <input
                  type="text"
                  aria-label={`Component ${i + 1} name`}
                  className="component-name"
                  value={c.name}
                  maxLength={60}
                  onChange={(e) => set(i, { name: e.target.value })}
                />
              </td>
              <td>
                <ComponentMetric
                  component={c}
                  index={i}
                  events={events}
                  onChange={(metric) => set(i, { metric })}
                />
              </td>
              <td className="num">
                <NumberField
                  label={`Weight of ${c.name}`}
                  value={weightPercent(c.weight)}
                  min={0}
                  max={100_000}
                  onChange={(n) => n !== undefined && set(i, { weight: weightOfPercent(n) })}
                />
              </td>
              <td className="num" data-testid="component-share">
                {formatPercent(shares[i] ?? 0)}
              </td>
              <td>
                <select
                  aria-label={`Which way ${c.name} is better`}
                  value={c.higherIsBetter ? 'higher' : 'lower'}
                  onChange={(e) => set(i, { higherIsBetter: e.target.value === 'higher' })}
                >
                  <option value="higher">higher is better</option>
                  <option value="lower">lower is better</option>
                </select>
              </td>
              <td>
                <button
                  type="button"
                  className="small ghost"
                  aria-label={`Remove ${c.name}`}
                  disabled={spec.components.length === 1}
                  onClick={() => onChange(removeComponent(spec, i))}
                >
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {Math.abs(total - 1) > 1e-9 && total > 0 && (
        <p className="muted small">
          The weights add to {formatPercent(total)}: each component counts in proportion to its
          weight (the share column).
        </p>
      )}
    </div>
  );
}

/** The metric in words; a count's event and an adoption's features can be changed in place. */
function ComponentMetric({
  component,
  index,
  events,
  onChange,
}: {
  component: HealthComponent;
  index: number;
  events: readonly string[];
  onChange: (metric: HealthComponent['metric']) => void;
}) {
  const m = component.metric;
  return (
    <div className="stack tight">
      <span>{metricLabel(m)}</span>
      {m.type === 'count' && m.events.length === 1 && (
        <select
          aria-label={`Component ${index + 1} event`}
          value={m.events[0]?.event ?? ''}
          onChange={(e) => onChange({ ...m, events: [{ event: e.target.value, where: [] }] })}
        >
          {events.map((e) => (
            <option key={e} value={e}>
              {e}
            </option>
          ))}
        </select>
      )}
      {m.type === 'featureAdoption' && (
        <details>
          <summary className="small">Change the features</summary>
          <FeaturePicker
            value={m.features}
            events={[...events]}
            onChange={(features) => onChange({ ...m, features })}
          />
        </details>
      )}
    </div>
  );
}

/** A component from a preset: the event of a count and the features of an adoption share. */
function AddComponent({
  events,
  coreFeatures,
  onAdd,
}: {
  events: readonly string[];
  coreFeatures: readonly string[];
  onAdd: (preset: ComponentPreset, choices: MetricChoices) => void;
}) {
  const [preset, setPreset] = useState<ComponentPreset>('activeDaysPerWeek');
  const [event, setEvent] = useState(events[0] ?? '');
  const [features, setFeatures] = useState<string[]>([...coreFeatures]);
  const chosenEvent = events.includes(event) ? event : (events[0] ?? '');
  const ready =
    (preset !== 'countPerWeek' || chosenEvent !== '') &&
    (preset !== 'featureShare' || features.length > 0);
  return (
    <div className="stack tight add-component">
      <div className="row rule-line">
        <Field label="Add a component" help="A metric per user, scaled by its percentile.">
          <select
            aria-label="Component to add"
            value={preset}
            onChange={(e) => setPreset(e.target.value as ComponentPreset)}
          >
            {COMPONENT_PRESETS.map(([v, text]) => (
              <option key={v} value={v}>
                {text}
              </option>
            ))}
          </select>
        </Field>
        {preset === 'countPerWeek' && (
          <Field label="Event" help="The event counted per week.">
            <select
              aria-label="Component event"
              value={chosenEvent}
              onChange={(e) => setEvent(e.target.value)}
            >
              {events.map((e) => (
                <option key={e} value={e}>
                  {e}
                </option>
              ))}
            </select>
          </Field>
        )}
        <button
          type="button"
          disabled={!ready}
          onClick={() => onAdd(preset, { event: chosenEvent, features, property: '' })}
        >
          Add
        </button>
      </div>
      {preset === 'featureShare' && (
        <FeaturePicker value={features} events={[...events]} onChange={setFeatures} />
      )}
    </div>
  );
}

/** The band cut-offs: healthy from, watch from; below watch, at risk. */
function BandCutoffs({
  spec,
  onChange,
}: {
  spec: HealthSpec;
  onChange: (spec: HealthSpec) => void;
}) {
  const set = (change: Partial<HealthSpec['bands']>): void =>
    onChange({ ...spec, bands: { ...spec.bands, ...change } });
  return (
    <div className="row rule-line band-cutoffs">
      <Field label="Healthy from" help="A score at or above this is healthy (0-100).">
        <NumberField
          label="Healthy from"
          value={spec.bands.healthy}
          min={0}
          max={100}
          onChange={(n) => n !== undefined && set({ healthy: n })}
        />
      </Field>
      <Field label="Watch from" help="At or above this and below healthy: watch; below: at risk.">
        <NumberField
          label="Watch from"
          value={spec.bands.watch}
          min={0}
          max={100}
          onChange={(n) => n !== undefined && set({ watch: n })}
        />
      </Field>
      <span className="muted small">
        below {spec.bands.watch}: at risk · {spec.bands.watch} to {spec.bands.healthy}: watch ·{' '}
        {spec.bands.healthy} and up: healthy
      </span>
    </div>
  );
}
