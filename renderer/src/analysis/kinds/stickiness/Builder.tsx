import type { StickinessSpec } from '../../../../../shared/specs/stickiness';
import { EventPicker, NumberInput, Select } from '../../controls';
import { RangeAndFilters } from '../../builder-parts';

export function StickinessBuilder({
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
