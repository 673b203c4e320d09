import type { SegmentInfo } from '../../../../../shared/api/segment-types';
import type { TriggerCondition, TriggerType } from '../../../../../shared/specs/trigger';
import { EventPicker, Field } from '../../../analysis/controls';
import { conditionOfType, TRIGGER_TYPES, type ConditionDefaults } from './trigger-draft';

/**
 * A whole number typed in a field. An emptied field is NaN, which the spec's schema refuses
 * with "a number is needed" rather than silently keeping the last value.
 */
export function WholeNumber({
  label,
  help,
  value,
  min,
  onChange,
}: {
  label: string;
  help: string;
  value: number;
  min: number;
  onChange: (n: number) => void;
}) {
  return (
    <Field label={label} help={help}>
      <input
        type="number"
        aria-label={label}
        className="narrow-number"
        min={min}
        step={1}
        value={Number.isNaN(value) ? '' : value}
        onChange={(e) => onChange(e.target.value === '' ? Number.NaN : Number(e.target.value))}
      />
    </Field>
  );
}

/**
 * The trigger's type with its numbers on one line (how many days, times, hours; the segment),
 * and the events it watches below, each with its property conditions.
 */
export function ConditionFields({
  condition,
  onChange,
  defaults,
  segments,
}: {
  condition: TriggerCondition;
  onChange: (c: TriggerCondition) => void;
  defaults: ConditionDefaults;
  /** Dynamic segments, for "entering a segment". */
  segments: SegmentInfo[];
}) {
  return (
    <div className="stack trigger-condition">
      <div className="row rule-line">
        <Field label="Fires when" help="The kind of risk signal the trigger watches for.">
          <select
            aria-label="Trigger type"
            className="trigger-type"
            value={condition.type}
            onChange={(e) =>
              onChange(conditionOfType(e.target.value as TriggerType, condition, defaults))
            }
          >
            {TRIGGER_TYPES.map(([type, text]) => (
              <option key={type} value={type}>
                {text}
              </option>
            ))}
          </select>
        </Field>
        <NumberFields
          condition={condition}
          onChange={onChange}
          start={defaults.start}
          segments={segments}
        />
      </div>
      <EventFields condition={condition} onChange={onChange} />
    </div>
  );
}

/** The numbers of the condition (and the segment, or what a milestone counts from). */
function NumberFields({
  condition: c,
  onChange,
  start,
  segments,
}: {
  condition: TriggerCondition;
  onChange: (c: TriggerCondition) => void;
  /** The event a milestone's "their first of an event" starts from. */
  start: string;
  segments: SegmentInfo[];
}) {
  switch (c.type) {
    case 'inactivity':
      return (
        <WholeNumber
          label="For days"
          help="Consecutive days (of local wall time) without it: fires that long after the last one, or after first seen."
          value={c.days}
          min={1}
          onChange={(days) => onChange({ ...c, days })}
        />
      );
    case 'underuse':
      return (
        <>
          <WholeNumber
            label="Fewer than (times)"
            help="Fires when the feature was used fewer times than this in the window."
            value={c.fewerThan}
            min={1}
            onChange={(fewerThan) => onChange({ ...c, fewerThan })}
          />
          <WholeNumber
            label="In the last days"
            help="The window: the last N local days; a user is checked once seen that long."
            value={c.days}
            min={1}
            onChange={(days) => onChange({ ...c, days })}
          />
        </>
      );
    case 'negative':
      return (
        <>
          <WholeNumber
            label="At least (times)"
            help="How many of the events make a burst."
            value={c.atLeast}
            min={1}
            onChange={(atLeast) => onChange({ ...c, atLeast })}
          />
          <WholeNumber
            label="Within hours"
            help="The burst's length: fires at its last event."
            value={c.hours}
            min={1}
            onChange={(hours) => onChange({ ...c, hours })}
          />
        </>
      );
    case 'milestone': {
      const { after, ...rest } = c;
      return (
        <>
          <WholeNumber
            label="Within days"
            help="The deadline: fires when these days are over and the milestone was not done."
            value={c.days}
            min={1}
            onChange={(days) => onChange({ ...c, days })}
          />
          <Field label="Of" help="Counted from each user's first seen, or their first of an event.">
            <select
              aria-label="Counted from"
              value={after === undefined ? '' : 'event'}
              onChange={(e) =>
                onChange(
                  e.target.value === '' ? rest : { ...rest, after: { event: start, where: [] } },
                )
              }
            >
              <option value="">first seen</option>
              <option value="event">their first of an event</option>
            </select>
          </Field>
        </>
      );
    }
    case 'segment':
      return <SegmentField condition={c} onChange={onChange} segments={segments} />;
  }
}

/** The events the condition watches, each with its property conditions. */
function EventFields({
  condition: c,
  onChange,
}: {
  condition: TriggerCondition;
  onChange: (c: TriggerCondition) => void;
}) {
  switch (c.type) {
    case 'inactivity':
      return (
        <EventPicker
          label="No event of"
          value={c.event}
          onChange={(event) => onChange({ ...c, event })}
        />
      );
    case 'underuse':
      return (
        <EventPicker
          label="Core feature"
          allowAny={false}
          value={c.event}
          onChange={(event) => onChange({ ...c, event })}
        />
      );
    case 'negative':
      return (
        <EventPicker
          label="Failure or complaint"
          allowAny={false}
          value={c.event}
          onChange={(event) => onChange({ ...c, event })}
        />
      );
    case 'milestone':
      return (
        <>
          <EventPicker
            label="Milestone"
            allowAny={false}
            value={c.milestone}
            onChange={(milestone) => onChange({ ...c, milestone })}
          />
          {c.after !== undefined && (
            <EventPicker
              label="After event"
              value={c.after}
              onChange={(after) => onChange({ ...c, after })}
            />
          )}
        </>
      );
    case 'segment':
      return null;
  }
}

function SegmentField({
  condition: c,
  onChange,
  segments,
}: {
  condition: Extract<TriggerCondition, { type: 'segment' }>;
  onChange: (c: TriggerCondition) => void;
  segments: SegmentInfo[];
}) {
  if (segments.length === 0)
    return (
      <p className="muted small">
        No dynamic segment is saved yet. Make one in the Segments tab (a metric crossing a benchmark
        is a segment with that metric rule), then pick it here.
      </p>
    );
  return (
    <Field
      label="Segment"
      help="Fires at the end of the first day a user is a member (the segment evaluated day by day)."
    >
      <select
        aria-label="Segment"
        value={c.segment}
        onChange={(e) => onChange({ ...c, segment: e.target.value })}
      >
        {!segments.some((s) => s.id === c.segment) && <option value="">Pick a segment</option>}
        {segments.map((s) => (
          <option key={s.id} value={s.id} title={s.definition}>
            {s.name}
          </option>
        ))}
      </select>
    </Field>
  );
}
