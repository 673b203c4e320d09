import type { RetentionSpec } from '../../../../../shared/specs/retention';
import { useApp } from '../../../app-context';
import { withOptional } from '../../spec-edit';
import { BreakdownEditor, EventPicker, Field, NumberInput, Select } from '../../controls';
import { INTERVAL, RangeAndFilters } from '../../builder-parts';

export function RetentionBuilder({
  spec,
  onChange,
}: {
  spec: RetentionSpec;
  onChange: (s: RetentionSpec) => void;
}) {
  const { info } = useApp();
  const isNumber = (p: { type: string }) => /INT|DOUBLE|DECIMAL|FLOAT|REAL|NUMERIC/i.test(p.type);
  const source = spec.propertySource ?? 'event';
  const numeric = (
    source === 'user' ? (info?.userProperties ?? []) : (info?.properties ?? [])
  ).filter(isNumber);
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
        help="First time (default): the user's first start event ever that matches the conditions, if it falls in the range. First ever: their very first start event, whatever its properties, must fall in the range and match. Recurring: every period with a matching start event."
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
          help="Cohorts and columns are hours, days, weeks or months (in the workspace time zone)."
          value={spec.period}
          options={INTERVAL}
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
      <NumberInput
        label="At least"
        help="Times the user must do the return event in a period for it to count as a return (period 0: at or after the start). 1 by default."
        value={spec.minOccurrences ?? 1}
        min={1}
        onChange={(n) => onChange(withOptional(spec, 'minOccurrences', n > 1 ? n : undefined))}
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
        help="Users retained (default), or the sum / average per cohort user of a numeric property: of the return events counted (revenue retention), or of the retained users."
        value={spec.measure}
        options={[
          ['users', 'Users (default)'],
          ['sum', 'Sum of a property'],
          ['avg', 'Average of a property'],
        ]}
        onChange={(measure) => {
          const { property: _, propertySource: __, ...rest } = spec;
          onChange(
            measure === 'users'
              ? { ...rest, measure }
              : {
                  ...rest,
                  measure,
                  property: spec.property ?? numeric[0]?.name ?? '',
                  ...(spec.propertySource === undefined
                    ? {}
                    : { propertySource: spec.propertySource }),
                },
          );
        }}
      />
      {spec.measure !== 'users' && (
        <div className="row">
          <Select
            label="Property of"
            help="The return events' property (default), or the users' (each retained user counts once)."
            value={source}
            options={[
              ['event', 'Return events (default)'],
              ['user', 'Users'],
            ]}
            onChange={(next) => {
              const list = next === 'user' ? info?.userProperties : info?.properties;
              const property = (list ?? []).filter(isNumber)[0]?.name ?? '';
              onChange(
                withOptional(
                  { ...spec, property },
                  'propertySource',
                  next === 'user' ? next : undefined,
                ),
              );
            }}
          />
          <Select
            label="Property"
            help="The numeric property summed or averaged."
            value={spec.property ?? ''}
            options={numeric.map((p) => [p.name, p.name] as const)}
            onChange={(property) => onChange({ ...spec, property })}
          />
        </div>
      )}
      <RangeAndFilters spec={spec} onChange={onChange} rangeLabel="Cohort date range" />
      <label
        className="check"
        title="The same cohorts over the equally long range just before; its mean row shows beside the current one."
      >
        <input
          type="checkbox"
          checked={spec.compare === true}
          onChange={(e) => onChange(withOptional(spec, 'compare', e.target.checked || undefined))}
        />
        Compare with the previous period
      </label>
      <BreakdownEditor
        label="Breakdown (start event)"
        value={spec.breakdown}
        onChange={(breakdown) => onChange(withOptional(spec, 'breakdown', breakdown))}
      />
    </>
  );
}
