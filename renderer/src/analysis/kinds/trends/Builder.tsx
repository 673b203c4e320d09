import {
  TREND_MEASURES,
  PROPERTY_MEASURES,
  type TrendChart,
  type TrendsSpec,
} from '../../../../../shared/specs/trends';
import { seriesLetter } from '../../../../../shared/specs/trends-formula';
import { useApp } from '../../../app-context';
import { MEASURES } from '../../../../../shared/specs/words';
import { replaceAt, withOptional } from '../../spec-edit';
import { BreakdownEditor, EventPicker, Field, NumberInput, Select } from '../../controls';
import { INTERVAL, LabelInput, RangeAndFilters } from '../../builder-parts';

const CHARTS: readonly (readonly [TrendChart, string])[] = [
  ['line', 'Line (default)'],
  ['bar', 'Bars'],
  ['area', 'Area'],
  ['table', 'Table only'],
];

type Shown = 'periods' | 'cumulative' | 'rolling';
const SHOWN: readonly (readonly [Shown, string])[] = [
  ['periods', 'Each period (default)'],
  ['cumulative', 'Cumulative'],
  ['rolling', 'Rolling average'],
];

function shownAs(spec: TrendsSpec): Shown {
  if (spec.display.cumulative) return 'cumulative';
  return spec.display.rollingAverage === undefined ? 'periods' : 'rolling';
}

function withShown(display: TrendsSpec['display'], shown: Shown): TrendsSpec['display'] {
  const { rollingAverage, ...rest } = display;
  if (shown === 'rolling')
    return { ...rest, cumulative: false, rollingAverage: rollingAverage ?? 7 };
  return { ...rest, cumulative: shown === 'cumulative' };
}

export function TrendsBuilder({
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
            {spec.formulas.length > 0 && ` (${seriesLetter(i)})`}
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
              onChange({ ...spec, series: replaceAt(spec.series, i, { ...series, events }) })
            }
          />
          <LabelInput
            label={`Series ${i + 1} name`}
            value={series.label}
            onChange={(label) =>
              onChange({
                ...spec,
                series: replaceAt(spec.series, i, withOptional(series, 'label', label)),
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
              onChange({ ...spec, series: replaceAt(spec.series, i, next) });
            }}
          />
          {series.property !== undefined && (
            <Select
              label={`Series ${i + 1} property`}
              help="The numeric event property aggregated."
              value={series.property}
              options={numeric.map((p) => [p.name, p.name] as const)}
              onChange={(property) =>
                onChange({ ...spec, series: replaceAt(spec.series, i, { ...series, property }) })
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
      {spec.formulas.map((formula, i) => (
        <fieldset key={`f${i}`} className="series">
          <legend>
            Formula {i + 1}
            <button
              type="button"
              className="ghost small"
              aria-label={`Remove formula ${i + 1}`}
              onClick={() =>
                onChange({ ...spec, formulas: spec.formulas.filter((_, j) => j !== i) })
              }
            >
              ✕
            </button>
          </legend>
          <Field
            label={`Formula ${i + 1}`}
            help="Letters are the series in order (A the first), with + - * / and parentheses: A / B, (A - B) / A * 100. A division by zero has no value. The chart draws the formulas instead of their series."
          >
            <input
              aria-label={`Formula ${i + 1}`}
              value={formula.expression}
              spellCheck={false}
              onChange={(e) =>
                onChange({
                  ...spec,
                  formulas: replaceAt(spec.formulas, i, { ...formula, expression: e.target.value }),
                })
              }
            />
          </Field>
          <Field
            label={`Formula ${i + 1} name`}
            help="Shown in the chart and the grid instead of the formula (optional)."
          >
            <input
              aria-label={`Formula ${i + 1} name`}
              placeholder="(the formula)"
              value={formula.label ?? ''}
              onChange={(e) =>
                onChange({
                  ...spec,
                  formulas: replaceAt(
                    spec.formulas,
                    i,
                    withOptional(
                      formula,
                      'label',
                      e.target.value.trim() === '' ? undefined : e.target.value,
                    ),
                  ),
                })
              }
            />
          </Field>
        </fieldset>
      ))}
      <button
        type="button"
        className="ghost small add"
        title="A line computed from the series, period by period (A / B: a ratio of two series)."
        onClick={() =>
          onChange({
            ...spec,
            formulas: [...spec.formulas, { expression: spec.series.length > 1 ? 'A / B' : 'A' }],
          })
        }
      >
        + formula
      </button>
      <Select
        label="Interval"
        help="The period each point covers, in the workspace time zone."
        value={spec.interval}
        options={INTERVAL}
        onChange={(interval) => onChange({ ...spec, interval })}
      />
      <RangeAndFilters spec={spec} onChange={onChange} />
      <label
        className="check"
        title="The same trend over the range just before, as many periods long, drawn dashed beside it period by period."
      >
        <input
          type="checkbox"
          checked={spec.compare}
          onChange={(e) => onChange({ ...spec, compare: e.target.checked })}
        />
        Compare with the previous period
      </label>
      <div className="row">
        <Select
          label="Chart"
          help="How the numbers are drawn: lines (default), bars, areas, or the grid only."
          value={spec.display.chart}
          options={CHARTS}
          onChange={(chart) => onChange({ ...spec, display: { ...spec.display, chart } })}
        />
        <Select
          label="Show"
          help="Each period as counted (default); cumulative: the measure over the range so far (a user counts once); or the average of the last N periods."
          value={shownAs(spec)}
          options={SHOWN}
          onChange={(shown) => onChange({ ...spec, display: withShown(spec.display, shown) })}
        />
        {spec.display.rollingAverage !== undefined && (
          <NumberInput
            label="Periods averaged"
            help="Each point is the average of its period and the ones before it, in the range."
            value={spec.display.rollingAverage}
            min={2}
            max={365}
            onChange={(rollingAverage) =>
              onChange({ ...spec, display: { ...spec.display, rollingAverage } })
            }
          />
        )}
      </div>
      <BreakdownEditor
        value={spec.breakdown}
        onChange={(breakdown) => onChange(withOptional(spec, 'breakdown', breakdown))}
      />
    </>
  );
}
