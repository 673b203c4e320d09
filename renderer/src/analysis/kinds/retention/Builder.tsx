import type { RetentionSpec } from '../../../../../shared/specs/retention';
import { useApp } from '../../../app-context';
import { withOptional } from '../../spec-edit';
import { BreakdownEditor, EventPicker, Field, NumberInput, Select } from '../../controls';
import { PERIOD, RangeAndFilters } from '../../builder-parts';

export function RetentionBuilder({
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
