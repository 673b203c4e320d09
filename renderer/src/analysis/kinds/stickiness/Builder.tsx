import {
  PERS_OF_UNIT,
  type StickinessPer,
  type StickinessSpec,
  type StickinessUnit,
} from '../../../../../shared/specs/stickiness';
import { EventPicker, NumberInput, Select } from '../../controls';
import { RangeAndFilters } from '../../builder-parts';

const UNITS: readonly (readonly [StickinessUnit, string])[] = [
  ['hour', 'Hours'],
  ['day', 'Days (default)'],
  ['week', 'Weeks'],
  ['month', 'Months'],
];

const PER_NAMES: Record<StickinessPer, string> = {
  day: 'Day',
  week: 'Week',
  month: 'Month',
  quarter: 'Quarter',
  year: 'Year',
  days: 'N-day interval',
  range: 'Whole range',
};

/** The period a unit is counted per when its current one does not fit it. */
const FIRST_PER: Record<StickinessUnit, StickinessPer> = {
  hour: 'day',
  day: 'week',
  week: 'range',
  month: 'range',
};

/** How many events make a unit count, as the analyst says it; min and max in the spec. */
type Criterion = 'atLeast' | 'atMost' | 'exactly' | 'between';

function criterionOf(spec: StickinessSpec): Criterion {
  const { minEventsPerUnit: min, maxEventsPerUnit: max } = spec;
  if (max === undefined) return 'atLeast';
  if (max === min) return 'exactly';
  return min === 1 ? 'atMost' : 'between';
}

/** The spec with its per (and perDays only where per is 'days'). */
function withPer(spec: StickinessSpec, per: StickinessPer): StickinessSpec {
  const { perDays, ...rest } = spec;
  return per === 'days' ? { ...rest, per, perDays: perDays ?? 14 } : { ...rest, per };
}

function withCriterion(spec: StickinessSpec, criterion: Criterion, k: number, to?: number) {
  const { maxEventsPerUnit: _max, ...rest } = spec;
  switch (criterion) {
    case 'atLeast':
      return { ...rest, minEventsPerUnit: k };
    case 'atMost':
      return { ...rest, minEventsPerUnit: 1, maxEventsPerUnit: k };
    case 'exactly':
      return { ...rest, minEventsPerUnit: k, maxEventsPerUnit: k };
    case 'between':
      // A bound above the minimum, or it would read as 'exactly'.
      return { ...rest, minEventsPerUnit: k, maxEventsPerUnit: Math.max(k + 1, to ?? k + 1) };
  }
}

export function StickinessBuilder({
  spec,
  onChange,
}: {
  spec: StickinessSpec;
  onChange: (s: StickinessSpec) => void;
}) {
  const criterion = criterionOf(spec);
  const k = criterion === 'atMost' ? (spec.maxEventsPerUnit ?? 1) : spec.minEventsPerUnit;
  const unitName = spec.unit;
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
          help="The units users are counted in: the hours, days (default), weeks or months they did the event in."
          value={spec.unit}
          options={UNITS}
          onChange={(unit) =>
            onChange(
              withPer(
                { ...spec, unit },
                PERS_OF_UNIT[unit].includes(spec.per) ? spec.per : FIRST_PER[unit],
              ),
            )
          }
        />
        <Select
          label="Per"
          help="Counted in each week (default), month, quarter, year or N-day interval of the range (a user counts once per period), or over the whole range at once."
          value={spec.per}
          options={PERS_OF_UNIT[spec.unit].map(
            (per) =>
              [
                per,
                `${PER_NAMES[per]}${per === 'week' && spec.unit === 'day' ? ' (default)' : ''}`,
              ] as const,
          )}
          onChange={(per) => onChange(withPer(spec, per))}
        />
        {spec.per === 'days' ? (
          <NumberInput
            label="Interval days"
            help="The length of each interval, laid end to end from the range's first day."
            value={spec.perDays ?? 14}
            min={2}
            max={366}
            onChange={(perDays) => onChange({ ...spec, perDays })}
          />
        ) : null}
      </div>
      <div className="row">
        <Select
          label={`A ${unitName} counts with`}
          help={`How many matching events make a ${unitName} count: at least 1 (default), at most K, exactly K, or between two numbers.`}
          value={criterion}
          options={[
            ['atLeast', 'At least'],
            ['atMost', 'At most'],
            ['exactly', 'Exactly'],
            ['between', 'Between'],
          ]}
          onChange={(c) => onChange(withCriterion(spec, c, k, spec.maxEventsPerUnit))}
        />
        <NumberInput
          label="Events"
          help={`Matching events in one ${unitName}.`}
          value={k}
          min={1}
          onChange={(n) => onChange(withCriterion(spec, criterion, n, spec.maxEventsPerUnit))}
        />
        {criterion === 'between' ? (
          <NumberInput
            label="And"
            help="The most events a counted unit may hold."
            value={spec.maxEventsPerUnit ?? k}
            min={k}
            onChange={(n) => onChange(withCriterion(spec, 'between', k, n))}
          />
        ) : null}
      </div>
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
