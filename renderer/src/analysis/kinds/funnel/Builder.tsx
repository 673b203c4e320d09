import {
  breakdownProperties,
  MAX_BREAKDOWN_PROPERTIES,
  type FunnelBreakdown,
  type FunnelSpec,
} from '../../../../../shared/specs/funnel';
import { useApp } from '../../../app-context';
import { replaceAt, withOptional } from '../../spec-edit';
import {
  BreakdownEditor,
  EventPicker,
  Field,
  NumberInput,
  PropertySelect,
  Select,
} from '../../controls';
import { INTERVAL, LabelInput, RangeAndFilters, WINDOW_UNITS } from '../../builder-parts';

export function FunnelBuilder({
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
  const properties = spec.breakdown === undefined ? [] : breakdownProperties(spec.breakdown);
  const first = properties[0];
  const setStep = (i: number, step: FunnelSpec['steps'][number]) =>
    onChange({ ...spec, steps: replaceAt(spec.steps, i, step) });
  const setExclusion = (i: number, exclusion: FunnelSpec['exclusions'][number]) =>
    onChange({ ...spec, exclusions: replaceAt(spec.exclusions, i, exclusion) });
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
          <Select
            label={`Step ${i + 1} counts`}
            help="Every time (default), or only the first time the user ever did the event (over all their history): the first of this name, or the first meeting this step's conditions."
            value={step.firstTime ?? ''}
            options={[
              ['', 'Every time (default)'],
              ['event', 'First time ever'],
              ['matching', 'First time ever, as filtered'],
            ]}
            onChange={(firstTime) =>
              setStep(i, withOptional(step, 'firstTime', firstTime === '' ? undefined : firstTime))
            }
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
            // Any order has no step N to attribute to: first touch instead.
            ...(order === 'any' && spec.breakdown?.attribution === 'step'
              ? { breakdown: { ...spec.breakdown, attribution: 'first' as const } }
              : {}),
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
      {
        <fieldset className="series">
          <legend>Exclusions</legend>
          {spec.exclusions.map((x, i) => (
            <div key={i} className="stack">
              <EventPicker
                label={`Exclusion ${i + 1}`}
                value={x.events}
                onChange={(events) => setExclusion(i, { ...x, events })}
              />
              <div className="row">
                <NumberInput
                  label="After step"
                  help={
                    spec.order === 'any'
                      ? 'The excluded event counts after this many steps are done…'
                      : 'The excluded event counts after this step…'
                  }
                  value={x.from + 1}
                  min={1}
                  max={spec.steps.length - 1}
                  onChange={(n) => setExclusion(i, { ...x, from: n - 1 })}
                />
                <NumberInput
                  label="Before step"
                  help={
                    spec.order === 'any'
                      ? '…and before this many are done (or the window ends).'
                      : "…and before this one (or the window's end)."
                  }
                  value={x.to + 1}
                  min={2}
                  max={spec.steps.length}
                  onChange={(n) => setExclusion(i, { ...x, to: n - 1 })}
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
      }
      <Select
        label="Conversion over time by"
        help="The entry period of the conversion-over-time chart."
        value={spec.interval}
        options={INTERVAL}
        onChange={(interval) => onChange({ ...spec, interval })}
      />
      <RangeAndFilters spec={spec} onChange={onChange} rangeLabel="Entry date range" />
      <label
        className="check"
        title="The same funnel over the equally long range just before this one, its numbers beside these."
      >
        <input
          type="checkbox"
          checked={spec.compare === true}
          onChange={(e) => onChange(withOptional(spec, 'compare', e.target.checked || undefined))}
        />
        Compare with the range before
      </label>
      <BreakdownEditor
        value={
          first === undefined || spec.breakdown === undefined
            ? undefined
            : { ...first, limit: spec.breakdown.limit }
        }
        onChange={(b) =>
          onChange(
            withOptional(
              spec,
              'breakdown',
              b === undefined
                ? undefined
                : withProperties(
                    {
                      source: b.source,
                      limit: b.limit,
                      attribution: spec.breakdown?.attribution ?? 'first',
                      ...(spec.breakdown?.step === undefined ? {} : { step: spec.breakdown.step }),
                    },
                    [{ property: b.property, source: b.source }, ...properties.slice(1)],
                  ),
            ),
          )
        }
      />
      {spec.breakdown !== undefined &&
        properties.slice(1).map((p, k) => (
          <div key={k} className="row">
            <Field
              label={`Then by (${k + 2})`}
              help="Each group is one combination of the properties' values, named by them joined."
            >
              <PropertySelect
                label={`Breakdown property ${k + 2}`}
                empty="(remove)"
                value={p}
                onChange={(ref) =>
                  spec.breakdown &&
                  onChange({
                    ...spec,
                    breakdown: withProperties(
                      spec.breakdown,
                      ref === undefined
                        ? properties.filter((_, j) => j !== k + 1)
                        : properties.map((q, j) => (j === k + 1 ? ref : q)),
                    ),
                  })
                }
              />
            </Field>
          </div>
        ))}
      {spec.breakdown !== undefined && properties.length < MAX_BREAKDOWN_PROPERTIES && (
        <button
          type="button"
          className="ghost small add"
          onClick={() =>
            spec.breakdown &&
            first !== undefined &&
            onChange({
              ...spec,
              breakdown: withProperties(spec.breakdown, [...properties, first]),
            })
          }
        >
          + breakdown property
        </button>
      )}
      {spec.breakdown !== undefined && (
        <Select
          label="Attribution"
          help="Which value files a user: first touch, the first value set on any of their funnel events (default); last touch, the last one; one step's, each value of that step's events a funnel of its own (users who never reach it are in no group); all events, each value a funnel of its own that every step must carry."
          value={spec.breakdown.attribution}
          options={[
            ['first', 'First touch (default)'],
            ['last', 'Last touch'],
            ['all', 'All events'],
            ...(spec.order === 'any' ? [] : [['step', 'One step (choose)'] as const]),
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
        <Select
          label="Attribution step"
          help="The step whose event's value files the user (a required step)."
          value={String(spec.breakdown.step ?? 0)}
          options={spec.steps.flatMap((st, i) =>
            st.optional ? [] : [[String(i), `Step ${i + 1}`] as const],
          )}
          onChange={(n) =>
            spec.breakdown &&
            onChange({ ...spec, breakdown: { ...spec.breakdown, step: Number(n) } })
          }
        />
      )}
    </>
  );
}

/** A breakdown naming one property (`property`) or several (`properties`). */
function withProperties(
  b: Omit<FunnelBreakdown, 'property' | 'properties'> & Partial<FunnelBreakdown>,
  list: { property: string; source: 'event' | 'user' }[],
): FunnelBreakdown {
  const { property: _p, properties: _ps, ...rest } = b;
  const [one] = list;
  return list.length === 1 && one !== undefined
    ? { ...rest, property: one.property, source: one.source }
    : { ...rest, properties: list };
}
