import {
  TREND_MEASURES,
  PROPERTY_MEASURES,
  type TrendsSpec,
} from '../../../../../shared/specs/trends';
import { useApp } from '../../../app-context';
import { MEASURES } from '../../../../../shared/specs/words';
import { withOptional } from '../../spec-edit';
import { BreakdownEditor, EventPicker, Select } from '../../controls';
import { INTERVAL, LabelInput, RangeAndFilters } from '../../builder-parts';

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
