import type { PathsSpec } from '../../../../../shared/specs/paths';
import { useApp } from '../../../app-context';
import { DateRangeEditor, EventPicker, Field, NumberInput, Select } from '../../controls';

export function PathsBuilder({
  spec,
  onChange,
}: {
  spec: PathsSpec;
  onChange: (s: PathsSpec) => void;
}) {
  const { info } = useApp();
  const anchor = spec.start !== undefined ? 'start' : spec.end !== undefined ? 'end' : 'session';
  const { start: _s, end: _e, ...rest } = spec;
  const filter = spec.start ??
    spec.end ?? { event: info?.eventTypes[0]?.event ?? '$any', where: [] };
  return (
    <>
      <Select
        label="Paths"
        help="After a start event, before an end event, or from each session's first event."
        value={anchor}
        options={[
          ['start', 'After a start event'],
          ['end', 'Before an end event'],
          ['session', 'From session start'],
        ]}
        onChange={(a) =>
          onChange(
            a === 'start'
              ? { ...rest, start: filter }
              : a === 'end'
                ? { ...rest, end: filter }
                : rest,
          )
        }
      />
      {anchor !== 'session' && (
        <EventPicker
          label={anchor === 'start' ? 'Start event' : 'End event'}
          value={filter}
          allowAny={false}
          onChange={(f) =>
            onChange(anchor === 'start' ? { ...rest, start: f } : { ...rest, end: f })
          }
        />
      )}
      <div className="row">
        <NumberInput
          label="Steps"
          help="How many events after (or before) the anchor. Default 5."
          value={spec.steps}
          min={1}
          max={10}
          onChange={(steps) => onChange({ ...spec, steps })}
        />
        <NumberInput
          label="Events per step"
          help="The most frequent events shown at each step; the rest are (other). Default 8."
          value={spec.limit}
          min={1}
          max={50}
          onChange={(limit) => onChange({ ...spec, limit })}
        />
      </div>
      <Field label="Hide events" help="Events left out of the paths (pings, app_opened, ...).">
        <select
          aria-label="Hide events"
          multiple
          size={4}
          value={spec.hide}
          onChange={(e) =>
            onChange({ ...spec, hide: [...e.target.selectedOptions].map((o) => o.value) })
          }
        >
          {(info?.eventTypes ?? []).map((t) => (
            <option key={t.event} value={t.event}>
              {t.event}
            </option>
          ))}
        </select>
      </Field>
      <label className="check" title='Count "A, A, B" as "A, B".'>
        <input
          type="checkbox"
          checked={spec.collapseRepeats}
          onChange={(e) => onChange({ ...spec, collapseRepeats: e.target.checked })}
        />
        Collapse repeats
      </label>
      <DateRangeEditor
        value={spec.dateRange}
        onChange={(dateRange) => onChange({ ...spec, dateRange })}
      />
    </>
  );
}
