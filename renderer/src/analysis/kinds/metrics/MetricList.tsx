import { useEffect, useState } from 'react';
import type { EventFilter } from '../../../../../shared/specs/common';
import { funnelSpecSchema } from '../../../../../shared/specs/funnel';
import {
  metricWords,
  type MetricDefinition,
  type MetricType,
} from '../../../../../shared/specs/user-metrics';
import { useApp } from '../../../app-context';
import { replaceAt, withOptional } from '../../spec-edit';
import { EventPicker, Field, Select } from '../../controls';
import { ev } from '../kind-view';

/** The metric types in the order an analyst reaches for them, with what each one counts. */
export const METRIC_TYPES: readonly (readonly [MetricType, string])[] = [
  ['activeDays', 'Active days'],
  ['sessions', 'Sessions'],
  ['count', 'Event count'],
  ['featureAdoption', 'Feature adoption'],
  ['sessionLength', 'Session length'],
  ['sessionDepth', 'Events per session'],
  ['funnel', 'Funnel done'],
  ['recency', 'Recency'],
  ['tenure', 'Tenure'],
  ['trend', 'Activity trend'],
  ['property', 'Property sum/avg'],
  ['distinctDays', 'Days with an event'],
  ['time', 'Days to an event'],
  ['ratio', 'Ratio of two metrics'],
];

const NAME_STEM: Record<MetricType, string> = {
  activeDays: 'active_days',
  sessions: 'sessions',
  count: 'count',
  featureAdoption: 'features_used',
  sessionLength: 'session_seconds',
  sessionDepth: 'session_depth',
  funnel: 'funnel',
  recency: 'recency_days',
  tenure: 'tenure_days',
  trend: 'trend',
  property: 'property',
  distinctDays: 'days_with',
  time: 'days_to',
  ratio: 'ratio',
};

/** A name no other metric of the list has: a metric's name is its column. */
export function freeName(stem: string, taken: readonly string[]): string {
  const clean =
    stem
      .toLowerCase()
      .replace(/[^a-z0-9_]+/g, '_')
      .replace(/^[^a-z]+/, '')
      .slice(0, 50) || 'metric';
  if (!taken.includes(clean)) return clean;
  for (let i = 2; ; i++) if (!taken.includes(`${clean}_${i}`)) return `${clean}_${i}`;
}

/**
 * A metric of `type` with its schema's defaults, on the workspace's most frequent events where
 * it needs events; the name and label of `keep` stay (changing a metric's type keeps its row).
 */
export function newMetric(
  type: MetricType,
  top: readonly string[],
  taken: readonly string[],
  plain: readonly string[] = taken,
  keep?: { name: string; label?: string | undefined },
): MetricDefinition {
  const first = top[0] ?? '$any';
  const name =
    keep?.name ??
    freeName(`${NAME_STEM[type]}${needsEvent(type) && first !== '$any' ? `_${first}` : ''}`, taken);
  const label = keep?.label === undefined ? {} : { label: keep.label };
  const events = [ev(first)];
  switch (type) {
    case 'activeDays':
      return { name, ...label, type, events: [ev('$any')], per: 'week' };
    case 'sessions':
      return { name, ...label, type, per: 'week' };
    case 'count':
      return { name, ...label, type, events, per: 'window' };
    case 'featureAdoption':
      return {
        name,
        ...label,
        type,
        features: top.filter((e) => e !== '$any').slice(0, 3),
        as: 'count',
      };
    case 'sessionLength':
      return { name, ...label, type, stat: 'median' };
    case 'sessionDepth':
      return { name, ...label, type, stat: 'mean' };
    case 'funnel':
      return {
        name,
        ...label,
        type,
        steps: [ev(first), ev(top[1] ?? '$any')],
        as: 'completed',
      };
    case 'recency':
    case 'tenure':
      return { name, ...label, type };
    case 'trend':
      return { name, ...label, type, events: [ev('$any')] };
    case 'property':
      return { name, ...label, type, events, property: 'revenue', agg: 'sum' };
    case 'distinctDays':
      return { name, ...label, type, events };
    case 'time':
      return { name, ...label, type, events, which: 'first' };
    case 'ratio': {
      const [numerator = 'count', denominator = 'sessions'] = plain;
      return { name, ...label, type, numerator, denominator };
    }
  }
}

function needsEvent(type: MetricType): boolean {
  return ['count', 'distinctDays', 'time', 'property'].includes(type);
}

/** Event filters of which any counts: a picker each, "+ or" to add one, ✕ to remove. */
export function EventList({
  label,
  value,
  onChange,
  min = 1,
  joiner = 'or',
}: {
  label: string;
  value: EventFilter[];
  onChange: (value: EventFilter[]) => void;
  min?: number;
  joiner?: string;
}) {
  return (
    <div className="metric-events">
      {value.map((e, i) => (
        <div key={i} className="metric-event">
          <EventPicker
            label={value.length === 1 ? label : `${label} ${i + 1}`}
            value={e}
            onChange={(next) => onChange(replaceAt(value, i, next))}
          />
          {value.length > min && (
            <button
              type="button"
              className="ghost small"
              aria-label={`Remove ${label} ${i + 1}`}
              onClick={() => onChange(value.filter((_, j) => j !== i))}
            >
              ✕
            </button>
          )}
        </div>
      ))}
      {value.length < 50 && (
        <button
          type="button"
          className="ghost small add"
          onClick={() => onChange([...value, ev('$any')])}
        >
          + {joiner}
        </button>
      )}
    </div>
  );
}

/**
 * "Steps of a saved funnel": copies a saved funnel's steps (each step's event and conditions)
 * into the metric, which counts them in order within the observation window; the funnel's own
 * conversion window, optional steps and order rule are not the metric's.
 */
function SavedFunnelSteps({ onPick }: { onPick: (steps: EventFilter[]) => void }) {
  const { api } = useApp();
  const [funnels, setFunnels] = useState<{ name: string; steps: EventFilter[] }[]>([]);
  useEffect(() => {
    let live = true;
    void api['saved.list']({ kind: 'analysis' })
      .then((all) => {
        if (!live) return;
        setFunnels(
          all.flatMap((s) => {
            const parsed = funnelSpecSchema.safeParse(s.spec);
            // A metric's funnel has at most 10 steps.
            return parsed.success && parsed.data.steps.length <= 10
              ? [{ name: s.name, steps: parsed.data.steps.map((step) => step.events) }]
              : [];
          }),
        );
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [api]);
  if (funnels.length === 0) return null;
  return (
    <Field
      label="Steps of a saved funnel"
      help="Copies a saved funnel's steps (events and their conditions). The metric counts them in order within this window; the funnel's own conversion window and optional steps do not apply."
    >
      <select
        aria-label="Steps of a saved funnel"
        value=""
        onChange={(e) => {
          const picked = funnels[Number(e.target.value)];
          if (picked !== undefined) onPick(picked.steps);
        }}
      >
        <option value="">Pick a saved funnel…</option>
        {funnels.map((f, i) => (
          <option key={i} value={i}>
            {f.name} ({f.steps.length} steps)
          </option>
        ))}
      </select>
    </Field>
  );
}

const PER = [
  ['week', 'Per week'],
  ['window', 'In the whole window'],
] as const;
const STAT = [
  ['median', 'Median'],
  ['mean', 'Mean'],
] as const;

/** One metric's own fields, by its type. */
function MetricFields({
  metric,
  others,
  onChange,
}: {
  metric: MetricDefinition;
  /** The other metrics' names (what a ratio divides). */
  others: string[];
  onChange: (m: MetricDefinition) => void;
}) {
  const { info } = useApp();
  switch (metric.type) {
    case 'activeDays':
    case 'sessions':
    case 'count': {
      const per = (
        <Select
          label="Per"
          help="Per week of the window (a frequency: the count over the window's weeks), or the count in the whole window."
          value={metric.per}
          options={PER}
          onChange={(p) => onChange({ ...metric, per: p })}
        />
      );
      if (metric.type === 'sessions') return per;
      return (
        <>
          <EventList
            label="Event"
            value={metric.events}
            onChange={(events) => onChange({ ...metric, events })}
          />
          {per}
        </>
      );
    }
    case 'distinctDays':
    case 'trend':
      return (
        <EventList
          label="Event"
          value={metric.events}
          onChange={(events) => onChange({ ...metric, events })}
        />
      );
    case 'time':
      return (
        <>
          <EventList
            label="Event"
            value={metric.events}
            onChange={(events) => onChange({ ...metric, events })}
          />
          <Select
            label="Which time"
            help="Days from the window's start to the user's first (or last) of these events."
            value={metric.which}
            options={[
              ['first', 'First time'],
              ['last', 'Last time'],
            ]}
            onChange={(which) => onChange({ ...metric, which })}
          />
        </>
      );
    case 'featureAdoption': {
      const events = (info?.eventTypes ?? []).map((t) => t.event);
      return (
        <>
          <Field
            label="Features"
            help="The core features (events): how many of them the user did at least once in the window."
          >
            <select
              multiple
              aria-label="Features"
              size={Math.min(6, Math.max(3, events.length))}
              value={metric.features}
              onChange={(e) => {
                const picked = [...e.target.selectedOptions].map((o) => o.value);
                if (picked.length > 0) onChange({ ...metric, features: picked });
              }}
            >
              {events.map((e) => (
                <option key={e} value={e}>
                  {e}
                </option>
              ))}
            </select>
          </Field>
          <Select
            label="As"
            help="How many of the features were used, or their share of the list."
            value={metric.as}
            options={[
              ['count', 'Count of features'],
              ['share', 'Share of the features'],
            ]}
            onChange={(as) => onChange({ ...metric, as })}
          />
        </>
      );
    }
    case 'sessionLength':
    case 'sessionDepth':
      return (
        <Select
          label="Statistic"
          help="Over the user's sessions started in the window."
          value={metric.stat}
          options={STAT}
          onChange={(stat) => onChange({ ...metric, stat })}
        />
      );
    case 'funnel':
      return (
        <>
          <SavedFunnelSteps onPick={(steps) => onChange({ ...metric, steps })} />
          <EventList
            label="Step"
            value={metric.steps}
            min={2}
            joiner="step"
            onChange={(steps) => onChange({ ...metric, steps })}
          />
          <Select
            label="As"
            help="1 when every step was done in order in the window, or how many steps were reached in order."
            value={metric.as}
            options={[
              ['completed', 'Completed (1 or 0)'],
              ['furthestStep', 'Steps reached'],
            ]}
            onChange={(as) => onChange({ ...metric, as })}
          />
        </>
      );
    case 'property': {
      const properties = (info?.properties ?? [])
        .filter((p) => /INT|DOUBLE|DECIMAL|FLOAT|REAL|NUMERIC|HUGEINT/i.test(p.type))
        .map((p) => p.name)
        .filter((p) => !['ts', 'uid'].includes(p));
      const names = properties.includes(metric.property)
        ? properties
        : [metric.property, ...properties];
      return (
        <>
          <EventList
            label="Event"
            value={metric.events}
            onChange={(events) => onChange({ ...metric, events })}
          />
          <div className="row">
            <Select
              label="Property"
              help="A numeric event property (revenue, items, duration)."
              value={metric.property}
              options={names.map((p) => [p, p] as const)}
              onChange={(property) => onChange({ ...metric, property })}
            />
            <Select
              label="Of"
              help="Sum (default), average, minimum or maximum over the user's events in the window."
              value={metric.agg}
              options={[
                ['sum', 'Sum'],
                ['avg', 'Average'],
                ['min', 'Minimum'],
                ['max', 'Maximum'],
              ]}
              onChange={(agg) => onChange({ ...metric, agg })}
            />
          </div>
        </>
      );
    }
    case 'ratio': {
      const options = others.map((o) => [o, o] as const);
      const withCurrent = (v: string) =>
        others.includes(v) ? options : [[v, v] as const, ...options];
      return (
        <div className="row">
          <Select
            label="Numerator"
            help="The metric divided (a plain metric of this list, not a ratio)."
            value={metric.numerator}
            options={withCurrent(metric.numerator)}
            onChange={(numerator) => onChange({ ...metric, numerator })}
          />
          <Select
            label="Denominator"
            help="The metric it is divided by; users for whom it is 0 have no value."
            value={metric.denominator}
            options={withCurrent(metric.denominator)}
            onChange={(denominator) => onChange({ ...metric, denominator })}
          />
        </div>
      );
    }
    case 'recency':
    case 'tenure':
      return null;
  }
}

/**
 * The editable list of per-user metrics, shared by the metrics table and the threshold
 * benchmarks: add one by type, name it (its column), edit its type's fields, remove it.
 */
export function MetricList({
  value,
  onChange,
}: {
  value: MetricDefinition[];
  onChange: (value: MetricDefinition[]) => void;
}) {
  const { info } = useApp();
  const top = (info?.eventTypes ?? []).map((t) => t.event).slice(0, 3);
  const names = value.map((m) => m.name);
  const plain = value.filter((m) => m.type !== 'ratio').map((m) => m.name);
  // A list of ten metrics would fill the builder: each one folds to its definition in words,
  // opened to edit (a new one opens).
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const toggle = (i: number): void =>
    setOpen((o) => {
      const next = new Set(o);
      if (next.has(i)) next.delete(i);
      else next.add(i);
      return next;
    });
  return (
    <div className="metric-list" aria-label="Metrics">
      {value.map((metric, i) => (
        <fieldset key={i} className={`series metric${open.has(i) ? ' open' : ''}`}>
          <legend>
            <button
              type="button"
              className="ghost small metric-toggle"
              aria-expanded={open.has(i)}
              aria-label={`Edit metric ${metric.name}`}
              title={metricWords(metric)}
              onClick={() => toggle(i)}
            >
              <span aria-hidden>{open.has(i) ? '▾' : '▸'}</span>{' '}
              <span className="metric-words">{metric.label ?? metricWords(metric)}</span>
            </button>
            {value.length > 1 && (
              <button
                type="button"
                className="ghost small"
                aria-label={`Remove metric ${metric.name}`}
                onClick={() => {
                  setOpen(new Set());
                  onChange(value.filter((_, j) => j !== i));
                }}
              >
                ✕
              </button>
            )}
          </legend>
          {!open.has(i) ? (
            <code className="metric-name small">{metric.name}</code>
          ) : (
            <>
              <div className="row">
                <Select
                  label="Type"
                  help="What the metric counts per user over the window."
                  value={metric.type}
                  options={METRIC_TYPES}
                  onChange={(type) =>
                    onChange(
                      replaceAt(
                        value,
                        i,
                        newMetric(type, top, names, plain, {
                          name: metric.name,
                          label: metric.label,
                        }),
                      ),
                    )
                  }
                />
                <Field
                  label="Name"
                  help="The metric's column in the per-user table and every export: lower-case letters, digits and _."
                >
                  <input
                    aria-label={`Metric ${i + 1} name`}
                    value={metric.name}
                    spellCheck={false}
                    onChange={(e) =>
                      onChange(replaceAt(value, i, { ...metric, name: e.target.value }))
                    }
                  />
                </Field>
              </div>
              <MetricFields
                metric={metric}
                others={plain.filter((p) => p !== metric.name)}
                onChange={(m) => onChange(replaceAt(value, i, m))}
              />
              <Field label="Label" help="Shown instead of the definition (optional).">
                <input
                  aria-label={`Metric ${i + 1} label`}
                  placeholder="(the definition in words)"
                  value={metric.label ?? ''}
                  onChange={(e) =>
                    onChange(
                      replaceAt(
                        value,
                        i,
                        withOptional(
                          metric,
                          'label',
                          e.target.value.trim() === '' ? undefined : e.target.value,
                        ),
                      ),
                    )
                  }
                />
              </Field>
            </>
          )}
        </fieldset>
      ))}
      {value.length < 40 && (
        <AddMetric
          onAdd={(type) => {
            setOpen((o) => new Set([...o, value.length]));
            onChange([...value, newMetric(type, top, names, plain)]);
          }}
        />
      )}
    </div>
  );
}

function AddMetric({ onAdd }: { onAdd: (type: MetricType) => void }) {
  return (
    <Field label="Add a metric" help="A new metric of this type, with its defaults.">
      <select
        aria-label="Add a metric"
        value=""
        onChange={(e) => {
          if (e.target.value !== '') onAdd(e.target.value as MetricType);
        }}
      >
        <option value="">+ metric…</option>
        {METRIC_TYPES.map(([t, text]) => (
          <option key={t} value={t}>
            {text}
          </option>
        ))}
      </select>
    </Field>
  );
}
