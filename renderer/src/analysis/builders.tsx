import type { AnalysisSpec } from '../../../shared/specs/analysis-spec';
import type { ConditionNode, DateRange } from '../../../shared/specs/common';
import type { FunnelSpec } from '../../../shared/specs/funnel';
import type { LifecycleSpec } from '../../../shared/specs/lifecycle';
import type { PathsSpec } from '../../../shared/specs/paths';
import type { RetentionSpec } from '../../../shared/specs/retention';
import type { SessionsSpec } from '../../../shared/specs/sessions';
import type { StickinessSpec } from '../../../shared/specs/stickiness';
import { TREND_MEASURES, PROPERTY_MEASURES, type TrendsSpec } from '../../../shared/specs/trends';
import { useApp } from '../app-context';
import { MEASURES } from '../../../shared/specs/words';
import { withOptional } from './spec-edit';
import {
  BreakdownEditor,
  Conditions,
  DateRangeEditor,
  EventPicker,
  Field,
  NumberInput,
  Select,
} from './controls';

const INTERVAL = [
  ['hour', 'Hour'],
  ['day', 'Day'],
  ['week', 'Week'],
  ['month', 'Month'],
] as const;
const PERIOD = [
  ['day', 'Day'],
  ['week', 'Week'],
  ['month', 'Month'],
] as const;
const WINDOW_UNITS = [
  ['second', 'seconds'],
  ['minute', 'minutes'],
  ['hour', 'hours'],
  ['day', 'days'],
  ['week', 'weeks'],
  ['month', 'months (30 days)'],
] as const;

/** The builder of any spec: each kind edits its own fields; every change is a new spec. */
export function Builder({
  spec,
  onChange,
}: {
  spec: AnalysisSpec;
  onChange: (spec: AnalysisSpec) => void;
}) {
  switch (spec.kind) {
    case 'trends':
      return <TrendsBuilder spec={spec} onChange={onChange} />;
    case 'funnel':
      return <FunnelBuilder spec={spec} onChange={onChange} />;
    case 'retention':
      return <RetentionBuilder spec={spec} onChange={onChange} />;
    case 'lifecycle':
      return <LifecycleBuilder spec={spec} onChange={onChange} />;
    case 'stickiness':
      return <StickinessBuilder spec={spec} onChange={onChange} />;
    case 'paths':
      return <PathsBuilder spec={spec} onChange={onChange} />;
    case 'sessions':
      return <SessionsBuilder spec={spec} onChange={onChange} />;
    default:
      return null;
  }
}

function TrendsBuilder({
  spec,
  onChange,
}: {
  spec: TrendsSpec;
  onChange: (s: TrendsSpec) => void;
}) {
  const { info } = useApp();
  const numeric = (info?.properties ?? []).filter((p) =>
    /INT|DOUBLE|DECIMAL|FLOAT|REAL|NUMERIC/i.test(p.type),
  );
  return (
    <>
      {spec.series.map((series, i) => (
        <fieldset key={i} className="series">
          <legend>
            Series {i + 1}
            {spec.series.length > 1 && (
              <button
                type="button"
                className="ghost small"
                aria-label={`Remove series ${i + 1}`}
                onClick={() => onChange({ ...spec, series: spec.series.filter((_, j) => j !== i) })}
              >
                ✕
              </button>
            )}
          </legend>
          <EventPicker
            label={`Series ${i + 1} event`}
            value={series.events}
            onChange={(events) =>
              onChange({
                ...spec,
                series: spec.series.map((s, j) => (j === i ? { ...s, events } : s)),
              })
            }
          />
          <LabelInput
            label={`Series ${i + 1} name`}
            value={series.label}
            onChange={(label) =>
              onChange({
                ...spec,
                series: spec.series.map((x, j) => (j === i ? withOptional(x, 'label', label) : x)),
              })
            }
          />
          <Select
            label={`Series ${i + 1} measure`}
            help="What each period counts: events, unique users, a property's sum/average/..., or rolling active users (DAU/WAU/MAU)."
            value={series.measure}
            options={TREND_MEASURES.map((m) => [m, MEASURES[m] ?? m] as const)}
            onChange={(measure) => {
              const { property: _, ...rest } = series;
              const next = PROPERTY_MEASURES.includes(measure)
                ? { ...rest, measure, property: series.property ?? numeric[0]?.name ?? '' }
                : { ...rest, measure };
              onChange({ ...spec, series: spec.series.map((s, j) => (j === i ? next : s)) });
            }}
          />
          {series.property !== undefined && (
            <Select
              label={`Series ${i + 1} property`}
              help="The numeric event property aggregated."
              value={series.property}
              options={numeric.map((p) => [p.name, p.name] as const)}
              onChange={(property) =>
                onChange({
                  ...spec,
                  series: spec.series.map((s, j) => (j === i ? { ...s, property } : s)),
                })
              }
            />
          )}
        </fieldset>
      ))}
      <button
        type="button"
        className="ghost small add"
        onClick={() =>
          onChange({
            ...spec,
            series: [...spec.series, { events: { event: '$any', where: [] }, measure: 'total' }],
          })
        }
      >
        + series
      </button>
      <Select
        label="Interval"
        help="The period each point covers, in the workspace time zone."
        value={spec.interval}
        options={INTERVAL}
        onChange={(interval) => onChange({ ...spec, interval })}
      />
      <RangeAndFilters spec={spec} onChange={onChange} />
      <BreakdownEditor
        value={spec.breakdown}
        onChange={(breakdown) => onChange(withOptional(spec, 'breakdown', breakdown))}
      />
    </>
  );
}

function FunnelBuilder({
  spec,
  onChange,
}: {
  spec: FunnelSpec;
  onChange: (s: FunnelSpec) => void;
}) {
  const { info } = useApp();
  const holdable = ['session_id', ...(info?.properties ?? []).map((p) => p.name)].filter(
    (p) => p !== 'properties',
  );
  const setStep = (i: number, step: FunnelSpec['steps'][number]) =>
    onChange({ ...spec, steps: spec.steps.map((s, j) => (j === i ? step : s)) });
  return (
    <>
      {spec.steps.map((step, i) => (
        <fieldset key={i} className="series">
          <legend>
            Step {i + 1}
            {spec.steps.length > 2 && (
              <button
                type="button"
                className="ghost small"
                aria-label={`Remove step ${i + 1}`}
                onClick={() =>
                  onChange({ ...spec, steps: spec.steps.filter((_, j) => j !== i), exclusions: [] })
                }
              >
                ✕
              </button>
            )}
          </legend>
          <EventPicker
            label={`Step ${i + 1}`}
            value={step.events}
            onChange={(events) => setStep(i, { ...step, events })}
          />
          <LabelInput
            label={`Step ${i + 1} name`}
            value={step.label}
            onChange={(label) => setStep(i, withOptional(step, 'label', label))}
          />
          {i > 0 && spec.order === 'ordered' && (
            <label
              className="check"
              title="Users may skip this step; later steps still count without it."
            >
              <input
                type="checkbox"
                checked={step.optional}
                onChange={(e) => setStep(i, { ...step, optional: e.target.checked })}
              />
              Optional
            </label>
          )}
          {i > 0 && spec.order !== 'any' && (
            <label
              className="check"
              title="This step must also come within this long after the previous one (on top of the funnel's window)."
            >
              <input
                type="checkbox"
                checked={step.within !== undefined}
                onChange={(e) =>
                  setStep(
                    i,
                    withOptional(
                      step,
                      'within',
                      e.target.checked ? { n: 1, unit: 'day' as const } : undefined,
                    ),
                  )
                }
              />
              Within its own window
            </label>
          )}
          {step.within !== undefined && (
            <div className="row">
              <NumberInput
                label={`Step ${i + 1} within`}
                help="At most this long after the previous step."
                value={step.within.n}
                min={1}
                onChange={(n) =>
                  step.within && setStep(i, { ...step, within: { ...step.within, n } })
                }
              />
              <Select
                label={`Step ${i + 1} within unit`}
                help="A day is 24 hours; a month 30 days."
                value={step.within.unit}
                options={WINDOW_UNITS}
                onChange={(unit) =>
                  step.within && setStep(i, { ...step, within: { ...step.within, unit } })
                }
              />
            </div>
          )}
        </fieldset>
      ))}
      {spec.steps.length < 20 && (
        <button
          type="button"
          className="ghost small add"
          onClick={() =>
            onChange({
              ...spec,
              steps: [...spec.steps, { events: { event: '$any', where: [] }, optional: false }],
            })
          }
        >
          + step
        </button>
      )}
      <Select
        label="Order"
        help="Ordered: other events may happen between steps (default). Strict: no other event between steps. Any: the steps in any order."
        value={spec.order}
        options={[
          ['ordered', 'Ordered (default)'],
          ['strict', 'Strict'],
          ['any', 'Any order'],
        ]}
        onChange={(order) =>
          onChange({
            ...spec,
            order,
            ...(order === 'ordered'
              ? {}
              : { steps: spec.steps.map((s) => ({ ...s, optional: false })) }),
          })
        }
      />
      <div className="row">
        <NumberInput
          label="Window"
          help="Measured from each attempt's first step; an event exactly at the end counts. Default 14 days."
          value={spec.window.n}
          min={1}
          onChange={(n) => onChange({ ...spec, window: { ...spec.window, n } })}
        />
        <Select
          label="Window unit"
          help="A day is 24 hours; a month 30 days."
          value={spec.window.unit}
          options={WINDOW_UNITS}
          onChange={(unit) => onChange({ ...spec, window: { ...spec.window, unit } })}
        />
      </div>
      <Select
        label="Count by"
        help="Users: each user once, at their furthest attempt (default). Sessions: each session. Attempts: every attempt."
        value={spec.countBy}
        options={[
          ['users', 'Unique users (default)'],
          ['sessions', 'Sessions'],
          ['attempts', 'Attempts (totals)'],
        ]}
        onChange={(countBy) => onChange({ ...spec, countBy })}
      />
      <Select
        label="Hold constant"
        help="A property every step of an attempt must share: session_id gives session funnels (counting by sessions holds it already)."
        value={spec.holdConstant?.property ?? ''}
        options={[['', '(nothing)'] as const, ...holdable.map((p) => [p, p] as const)]}
        onChange={(property) =>
          onChange(withOptional(spec, 'holdConstant', property === '' ? undefined : { property }))
        }
      />
      {spec.order !== 'any' && (
        <fieldset className="series">
          <legend>Exclusions</legend>
          {spec.exclusions.map((x, i) => (
            <div key={i} className="stack">
              <EventPicker
                label={`Exclusion ${i + 1}`}
                value={x.events}
                onChange={(events) =>
                  onChange({
                    ...spec,
                    exclusions: spec.exclusions.map((y, j) => (j === i ? { ...y, events } : y)),
                  })
                }
              />
              <div className="row">
                <NumberInput
                  label="After step"
                  help="The excluded event counts after this step…"
                  value={x.from + 1}
                  min={1}
                  max={spec.steps.length - 1}
                  onChange={(n) =>
                    onChange({
                      ...spec,
                      exclusions: spec.exclusions.map((y, j) =>
                        j === i ? { ...y, from: n - 1 } : y,
                      ),
                    })
                  }
                />
                <NumberInput
                  label="Before step"
                  help="…and before this one (or the window's end)."
                  value={x.to + 1}
                  min={2}
                  max={spec.steps.length}
                  onChange={(n) =>
                    onChange({
                      ...spec,
                      exclusions: spec.exclusions.map((y, j) =>
                        j === i ? { ...y, to: n - 1 } : y,
                      ),
                    })
                  }
                />
                <button
                  type="button"
                  className="ghost small"
                  aria-label={`Remove exclusion ${i + 1}`}
                  onClick={() =>
                    onChange({ ...spec, exclusions: spec.exclusions.filter((_, j) => j !== i) })
                  }
                >
                  ✕
                </button>
              </div>
            </div>
          ))}
          <button
            type="button"
            className="ghost small add"
            onClick={() =>
              onChange({
                ...spec,
                exclusions: [
                  ...spec.exclusions,
                  { events: { event: '$any', where: [] }, from: 0, to: spec.steps.length - 1 },
                ],
              })
            }
          >
            + exclusion
          </button>
        </fieldset>
      )}
      <Select
        label="Conversion over time by"
        help="The entry period of the conversion-over-time chart."
        value={spec.interval}
        options={INTERVAL}
        onChange={(interval) => onChange({ ...spec, interval })}
      />
      <RangeAndFilters spec={spec} onChange={onChange} rangeLabel="Entry date range" />
      <BreakdownEditor
        value={
          spec.breakdown === undefined
            ? undefined
            : {
                property: spec.breakdown.property,
                source: spec.breakdown.source,
                limit: spec.breakdown.limit,
              }
        }
        onChange={(b) =>
          onChange(
            withOptional(
              spec,
              'breakdown',
              b === undefined
                ? undefined
                : { ...b, attribution: spec.breakdown?.attribution ?? 'first' },
            ),
          )
        }
      />
      {spec.breakdown !== undefined && (
        <Select
          label="Attribution"
          help="Which event's value files the user: the first step's (default), the last step reached, all events (must match), or one step's."
          value={spec.breakdown.attribution}
          options={[
            ['first', 'First touch (default)'],
            ['last', 'Last touch'],
            ['all', 'All events'],
            ['step', 'One step (choose)'],
          ]}
          onChange={(attribution) =>
            spec.breakdown &&
            onChange({
              ...spec,
              breakdown: {
                ...spec.breakdown,
                attribution,
                ...(attribution === 'step' ? { step: 0 } : {}),
              },
            })
          }
        />
      )}
      {spec.breakdown?.attribution === 'step' && (
        <NumberInput
          label="Attribution step"
          help="The step whose event's value files the user."
          value={(spec.breakdown.step ?? 0) + 1}
          min={1}
          max={spec.steps.length}
          onChange={(n) =>
            spec.breakdown && onChange({ ...spec, breakdown: { ...spec.breakdown, step: n - 1 } })
          }
        />
      )}
    </>
  );
}

function RetentionBuilder({
  spec,
  onChange,
}: {
  spec: RetentionSpec;
  onChange: (s: RetentionSpec) => void;
}) {
  const { info } = useApp();
  const numeric = (info?.properties ?? []).filter((p) =>
    /INT|DOUBLE|DECIMAL|FLOAT|REAL|NUMERIC/i.test(p.type),
  );
  return (
    <>
      <EventPicker
        label="Start event"
        value={spec.start}
        onChange={(start) => onChange({ ...spec, start })}
      />
      <EventPicker
        label="Return event"
        value={spec.return}
        onChange={(ret) => onChange({ ...spec, return: ret })}
      />
      <Select
        label="Cohort"
        help="First time: the user's first matching start event in the range (default). First ever: their first start event ever must be in the range. Recurring: every period with a start event."
        value={spec.cohort}
        options={[
          ['first_time', 'First time (default)'],
          ['first_ever', 'First ever'],
          ['recurring', 'Recurring'],
        ]}
        onChange={(cohort) => onChange({ ...spec, cohort })}
      />
      <div className="row">
        <Select
          label="Period"
          help="Cohorts and columns are days, weeks or months."
          value={spec.period}
          options={PERIOD}
          onChange={(period) => onChange({ ...spec, period })}
        />
        <NumberInput
          label="Periods"
          help="How many periods after the start (up to 100)."
          value={spec.periods}
          min={1}
          max={100}
          onChange={(periods) => onChange({ ...spec, periods })}
        />
      </div>
      <Select
        label="Returned"
        help="On: in exactly period k (default). On or after: in k or later. Brackets: within custom ranges of periods."
        value={spec.criterion}
        options={[
          ['on', 'On period k (default)'],
          ['on_or_after', 'On or after period k'],
          ['brackets', 'Brackets'],
        ]}
        onChange={(criterion) => {
          const { brackets: _, ...rest } = spec;
          onChange(
            criterion === 'brackets'
              ? { ...rest, criterion, brackets: [1, 3, 7, 14].filter((b) => b <= spec.periods) }
              : { ...rest, criterion },
          );
        }}
      />
      {spec.criterion === 'brackets' && (
        <Field label="Brackets" help="Where each bracket starts, in periods (e.g. 1, 3, 7, 14).">
          <input
            aria-label="Brackets"
            defaultValue={(spec.brackets ?? []).join(', ')}
            onBlur={(e) => {
              const brackets = e.target.value
                .split(',')
                .map((v) => Number(v.trim()))
                .filter((n) => Number.isInteger(n) && n >= 0);
              if (brackets.length > 0) onChange({ ...spec, brackets });
            }}
          />
        </Field>
      )}
      <Select
        label="Time"
        help="Calendar periods in the workspace time zone (default), or rolling 24-hour windows from each user's start (day 1 = 24–48 h)."
        value={spec.time}
        options={[
          ['calendar', 'Calendar (default)'],
          ['rolling', 'Rolling windows'],
        ]}
        onChange={(time) => onChange({ ...spec, time })}
      />
      <Select
        label="Measure"
        help="Users retained (default), or the sum / average of a numeric property of the return events (revenue retention)."
        value={spec.measure}
        options={[
          ['users', 'Users (default)'],
          ['sum', 'Sum of a property'],
          ['avg', 'Average of a property'],
        ]}
        onChange={(measure) => {
          const { property: _, ...rest } = spec;
          onChange(
            measure === 'users'
              ? { ...rest, measure }
              : { ...rest, measure, property: spec.property ?? numeric[0]?.name ?? '' },
          );
        }}
      />
      {spec.measure !== 'users' && (
        <Select
          label="Property"
          help="The numeric property of the return events."
          value={spec.property ?? ''}
          options={numeric.map((p) => [p.name, p.name] as const)}
          onChange={(property) => onChange({ ...spec, property })}
        />
      )}
      <RangeAndFilters spec={spec} onChange={onChange} rangeLabel="Cohort date range" />
      <BreakdownEditor
        label="Breakdown (start event)"
        value={spec.breakdown}
        onChange={(breakdown) => onChange(withOptional(spec, 'breakdown', breakdown))}
      />
    </>
  );
}

function LifecycleBuilder({
  spec,
  onChange,
}: {
  spec: LifecycleSpec;
  onChange: (s: LifecycleSpec) => void;
}) {
  return (
    <>
      <EventPicker
        label="Event"
        value={spec.events}
        onChange={(events) => onChange({ ...spec, events })}
      />
      <Select
        label="Interval"
        help="New = the period of the user's first event in the whole workspace."
        value={spec.interval}
        options={PERIOD}
        onChange={(interval) => onChange({ ...spec, interval })}
      />
      <RangeAndFilters spec={spec} onChange={onChange} />
    </>
  );
}

function StickinessBuilder({
  spec,
  onChange,
}: {
  spec: StickinessSpec;
  onChange: (s: StickinessSpec) => void;
}) {
  return (
    <>
      <EventPicker
        label="Event"
        value={spec.events}
        onChange={(events) => onChange({ ...spec, events })}
      />
      <div className="row">
        <Select
          label="Count"
          help="The unit users are counted in: days (default) or hours."
          value={spec.unit}
          options={[
            ['day', 'Days (default)'],
            ['hour', 'Hours'],
          ]}
          onChange={(unit) =>
            onChange({
              ...spec,
              unit,
              per: unit === 'hour' ? 'day' : spec.per === 'day' ? 'week' : spec.per,
            })
          }
        />
        <Select
          label="Per"
          help="Within each week (default), month, or day (for hours)."
          value={spec.per}
          options={
            spec.unit === 'hour'
              ? [['day', 'Day']]
              : [
                  ['week', 'Week (default)'],
                  ['month', 'Month'],
                ]
          }
          onChange={(per) => onChange({ ...spec, per })}
        />
      </div>
      <NumberInput
        label="Min events per unit"
        help="A day (or hour) counts when the user did the event at least this often in it. Default 1."
        value={spec.minEventsPerUnit}
        min={1}
        onChange={(minEventsPerUnit) => onChange({ ...spec, minEventsPerUnit })}
      />
      <label className="check" title="At least N units instead of exactly N.">
        <input
          type="checkbox"
          checked={spec.cumulative}
          onChange={(e) => onChange({ ...spec, cumulative: e.target.checked })}
        />
        Cumulative (at least N)
      </label>
      <RangeAndFilters spec={spec} onChange={onChange} />
    </>
  );
}

function PathsBuilder({ spec, onChange }: { spec: PathsSpec; onChange: (s: PathsSpec) => void }) {
  const { info } = useApp();
  const anchor = spec.start !== undefined ? 'start' : spec.end !== undefined ? 'end' : 'session';
  const { start: _s, end: _e, ...rest } = spec;
  const filter = spec.start ??
    spec.end ?? { event: info?.eventTypes[0]?.event ?? '$any', where: [] };
  return (
    <>
      <Select
        label="Paths"
        help="After a start event, before an end event, or from each session's first event."
        value={anchor}
        options={[
          ['start', 'After a start event'],
          ['end', 'Before an end event'],
          ['session', 'From session start'],
        ]}
        onChange={(a) =>
          onChange(
            a === 'start'
              ? { ...rest, start: filter }
              : a === 'end'
                ? { ...rest, end: filter }
                : rest,
          )
        }
      />
      {anchor !== 'session' && (
        <EventPicker
          label={anchor === 'start' ? 'Start event' : 'End event'}
          value={filter}
          allowAny={false}
          onChange={(f) =>
            onChange(anchor === 'start' ? { ...rest, start: f } : { ...rest, end: f })
          }
        />
      )}
      <div className="row">
        <NumberInput
          label="Steps"
          help="How many events after (or before) the anchor. Default 5."
          value={spec.steps}
          min={1}
          max={10}
          onChange={(steps) => onChange({ ...spec, steps })}
        />
        <NumberInput
          label="Events per step"
          help="The most frequent events shown at each step; the rest are (other). Default 8."
          value={spec.limit}
          min={1}
          max={50}
          onChange={(limit) => onChange({ ...spec, limit })}
        />
      </div>
      <Field label="Hide events" help="Events left out of the paths (pings, app_opened, ...).">
        <select
          aria-label="Hide events"
          multiple
          size={4}
          value={spec.hide}
          onChange={(e) =>
            onChange({ ...spec, hide: [...e.target.selectedOptions].map((o) => o.value) })
          }
        >
          {(info?.eventTypes ?? []).map((t) => (
            <option key={t.event} value={t.event}>
              {t.event}
            </option>
          ))}
        </select>
      </Field>
      <label className="check" title='Count "A, A, B" as "A, B".'>
        <input
          type="checkbox"
          checked={spec.collapseRepeats}
          onChange={(e) => onChange({ ...spec, collapseRepeats: e.target.checked })}
        />
        Collapse repeats
      </label>
      <DateRangeEditor
        value={spec.dateRange}
        onChange={(dateRange) => onChange({ ...spec, dateRange })}
      />
    </>
  );
}

function SessionsBuilder({
  spec,
  onChange,
}: {
  spec: SessionsSpec;
  onChange: (s: SessionsSpec) => void;
}) {
  const { info } = useApp();
  return (
    <>
      <EventPicker
        label="Sessions with"
        value={spec.events}
        onChange={(events) => onChange({ ...spec, events })}
      />
      <Select
        label="Interval"
        help="Sessions are filed under the period their first event falls in."
        value={spec.interval}
        options={INTERVAL}
        onChange={(interval) => onChange({ ...spec, interval })}
      />
      <RangeAndFilters spec={spec} onChange={onChange} />
      <p className="muted small">
        A session ends after {info?.workspace.settings.sessionGapMinutes ?? 30} minutes without an
        event (a workspace setting: npx workbench settings --session-gap).
      </p>
    </>
  );
}

/** An optional display name (a series or step label); empty means the event's own name. */
function LabelInput({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string | undefined;
  onChange: (value: string | undefined) => void;
}) {
  return (
    <Field
      label={label}
      help="Shown in the chart and the grid instead of the event name (optional)."
    >
      <input
        aria-label={label}
        placeholder="(the event's name)"
        value={value ?? ''}
        onChange={(e) => onChange(e.target.value.trim() === '' ? undefined : e.target.value)}
      />
    </Field>
  );
}

/** The date range and the filters every spec but paths has, edited the same way everywhere. */
function RangeAndFilters<S extends { dateRange: DateRange; filters: ConditionNode[] }>({
  spec,
  onChange,
  rangeLabel,
}: {
  spec: S;
  onChange: (spec: S) => void;
  rangeLabel?: string;
}) {
  return (
    <>
      <DateRangeEditor
        {...(rangeLabel === undefined ? {} : { label: rangeLabel })}
        value={spec.dateRange}
        onChange={(dateRange) => onChange({ ...spec, dateRange })}
      />
      <Conditions
        label="Filters"
        value={spec.filters}
        onChange={(filters) => onChange({ ...spec, filters })}
      />
    </>
  );
}
