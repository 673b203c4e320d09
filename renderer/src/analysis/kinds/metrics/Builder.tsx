import type { DateRange, EventFilter } from '../../../../../shared/specs/common';
import type { MetricsSpec } from '../../../../../shared/specs/metrics';
import type { ObservationWindow } from '../../../../../shared/specs/user-metrics';
import { useApp } from '../../../app-context';
import { withOptional } from '../../spec-edit';
import { DateRangeEditor, EventPicker, Field, NumberInput, Select } from '../../controls';
import { lastDaysOfData } from '../../data-days';
import { ev } from '../kind-view';
import { MetricList } from './MetricList';
import { UserFilters } from '../../segment-pickers';

/**
 * "Start at an event": each user starts at their first time doing it (signed_up) instead of
 * their first event of any kind, in any spec with an optional startEvent.
 */
export function StartEventField<T extends { startEvent?: EventFilter | undefined }>({
  value,
  onChange,
}: {
  value: T;
  onChange: (value: T) => void;
}) {
  return (
    <>
      <label
        className="check"
        title="Each user starts at their first time doing an event (signed_up) instead of their first event of any kind."
      >
        <input
          type="checkbox"
          checked={value.startEvent !== undefined}
          onChange={(e) =>
            onChange(withOptional(value, 'startEvent', e.target.checked ? ev('$any') : undefined))
          }
        />
        Start at an event
      </label>
      {value.startEvent !== undefined && (
        <EventPicker
          label="Start event"
          value={value.startEvent}
          onChange={(startEvent) => onChange({ ...value, startEvent })}
        />
      )}
    </>
  );
}

/** The observation window: N days since each user's start, or the N calendar days up to a date. */
export function WindowEditor({
  value,
  onChange,
}: {
  value: ObservationWindow;
  onChange: (w: ObservationWindow) => void;
}) {
  return (
    <fieldset className="series">
      <legend>Observation window</legend>
      <div className="row">
        <Select
          label="Window"
          help="Since start: each user's first N days after their first event (or a start event). Calendar: the same N days for everyone, up to a date."
          value={value.type}
          options={[
            ['calendar', 'Calendar days (default)'],
            ['sinceStart', 'Days since start'],
          ]}
          onChange={(type) =>
            onChange(
              type === 'calendar'
                ? { type, days: value.type === 'calendar' ? value.days : 28 }
                : { type, days: value.type === 'sinceStart' ? value.days : 7 },
            )
          }
        />
        <NumberInput
          label="Window days"
          help="How many days each user's row covers."
          value={value.days}
          min={1}
          max={value.type === 'calendar' ? 3660 : 366}
          onChange={(days) => onChange({ ...value, days })}
        />
      </div>
      {value.type === 'sinceStart' ? (
        <>
          <StartEventField value={value} onChange={onChange} />
        </>
      ) : (
        <Field
          label="As of"
          help="The window's last day (included); empty: the last day with data."
        >
          <input
            type="date"
            aria-label="As of"
            value={value.asOf ?? ''}
            onChange={(e) =>
              onChange(
                withOptional(value, 'asOf', e.target.value === '' ? undefined : e.target.value),
              )
            }
          />
        </Field>
      )}
    </fieldset>
  );
}

/** An optional range of start days: unticked, every user. */
export function StartRangeEditor<S extends { startRange?: DateRange | undefined }>({
  spec,
  onChange,
  label,
  help,
}: {
  spec: S;
  onChange: (spec: S) => void;
  label: string;
  help: string;
}) {
  const { info } = useApp();
  return (
    <>
      <label className="check" title={help}>
        <input
          type="checkbox"
          checked={spec.startRange !== undefined}
          onChange={(e) =>
            onChange(
              withOptional(
                spec,
                'startRange',
                e.target.checked ? lastDaysOfData(info, 90) : undefined,
              ),
            )
          }
        />
        {label}
      </label>
      {spec.startRange !== undefined && (
        <DateRangeEditor
          label="Start days"
          value={spec.startRange}
          onChange={(startRange) => onChange({ ...spec, startRange })}
        />
      )}
    </>
  );
}

export function MetricsBuilder({
  spec,
  onChange,
}: {
  spec: MetricsSpec;
  onChange: (s: MetricsSpec) => void;
}) {
  return (
    <>
      <WindowEditor value={spec.window} onChange={(window) => onChange({ ...spec, window })} />
      <StartRangeEditor
        spec={spec}
        onChange={onChange}
        label={
          spec.window.type === 'sinceStart'
            ? 'Only users starting in…'
            : 'Only users first seen in…'
        }
        help="Only users whose start (first event or start event) falls in these days; unticked: every user."
      />
      <UserFilters
        spec={spec}
        onChange={onChange}
        segmentHelp="Only the members of a saved segment (save one from any number's users)."
      />
      <h3 className="builder-heading">Metrics</h3>
      <MetricList value={spec.metrics} onChange={(metrics) => onChange({ ...spec, metrics })} />
    </>
  );
}
