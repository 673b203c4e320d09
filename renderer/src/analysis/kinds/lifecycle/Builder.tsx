import type { LifecycleSpec } from '../../../../../shared/specs/lifecycle';
import { EventPicker, Select } from '../../controls';
import { PERIOD, RangeAndFilters } from '../../builder-parts';

export function LifecycleBuilder({
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
