import type { SessionsSpec } from '../../../../../shared/specs/sessions';
import { useApp } from '../../../app-context';
import { EventPicker, Select } from '../../controls';
import { INTERVAL, RangeAndFilters } from '../../builder-parts';

export function SessionsBuilder({
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
