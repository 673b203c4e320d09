import type { ConditionNode, DateRange } from '../../../shared/specs/common';
import { Conditions, DateRangeEditor, Field } from './controls';

/** What every kind's builder shares: option lists, the label input, range and filters. */

export const INTERVAL = [
  ['hour', 'Hour'],
  ['day', 'Day'],
  ['week', 'Week'],
  ['month', 'Month'],
] as const;
export const PERIOD = [
  ['day', 'Day'],
  ['week', 'Week'],
  ['month', 'Month'],
] as const;
export const WINDOW_UNITS = [
  ['second', 'seconds'],
  ['minute', 'minutes'],
  ['hour', 'hours'],
  ['day', 'days'],
  ['week', 'weeks'],
  ['month', 'months (30 days)'],
] as const;

export function LabelInput({
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
export function RangeAndFilters<S extends { dateRange: DateRange; filters: ConditionNode[] }>({
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
