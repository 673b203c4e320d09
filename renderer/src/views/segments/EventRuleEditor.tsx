import { EVENT_RULE_OPS, type EventRule, type EventWindow } from '../../../../shared/specs/segment';
import { EventPicker, Field } from '../../analysis/controls';
import { useRuleChoices } from './RuleBuilder';
import { windowOfType } from './rule-edit';

const WINDOWS: readonly (readonly [EventWindow['type'], string])[] = [
  ['ever', 'ever'],
  ['last', 'in the last N days'],
  ['between', 'between dates'],
  ['sinceStart', 'within days of their start'],
];

const COUNTED = (op: EventRule['op']): boolean =>
  op === 'at least' || op === 'at most' || op === 'exactly';

/** Did / did not / at least N times an event (with property conditions), and when. */
export function EventRuleEditor({
  rule,
  onChange,
}: {
  rule: EventRule;
  onChange: (r: EventRule) => void;
}) {
  const { today } = useRuleChoices();
  const setOp = (op: EventRule['op']): void => {
    const { times, ...rest } = rule;
    onChange(COUNTED(op) ? { ...rest, op, times: times ?? 1 } : { ...rest, op });
  };
  return (
    <div className="stack rule-fields">
      <div className="row rule-line">
        <Field label="Users who" help="Did the event, did not, or did it a number of times.">
          <select
            aria-label="Event operator"
            value={rule.op}
            onChange={(e) => setOp(e.target.value as EventRule['op'])}
          >
            {EVENT_RULE_OPS.map((op) => (
              <option key={op} value={op}>
                {op === 'did not' ? 'did not do' : op === 'did' ? 'did' : `did it ${op}`}
              </option>
            ))}
          </select>
        </Field>
        {COUNTED(rule.op) && (
          <Field label="Times" help="How many times, counted in the window.">
            <input
              type="number"
              aria-label="Times"
              min={0}
              className="narrow-number"
              value={rule.times ?? ''}
              onChange={(e) =>
                onChange({ ...rule, times: Math.max(0, Math.round(Number(e.target.value))) })
              }
            />
          </Field>
        )}
        <Field label="When" help="The window, up to the end of the as-of day.">
          <select
            aria-label="Event window"
            value={rule.when.type}
            onChange={(e) =>
              onChange({
                ...rule,
                when: windowOfType(e.target.value as EventWindow['type'], rule.when, today),
              })
            }
          >
            {WINDOWS.map(([v, text]) => (
              <option key={v} value={v}>
                {text}
              </option>
            ))}
          </select>
        </Field>
        <WindowFields when={rule.when} onChange={(when) => onChange({ ...rule, when })} />
      </div>
      <EventPicker
        label="Event"
        value={rule.event}
        onChange={(event) => onChange({ ...rule, event })}
      />
    </div>
  );
}

const wholeDays = (text: string): number => Math.max(0, Math.round(Number(text)));

function WindowFields({
  when,
  onChange,
}: {
  when: EventWindow;
  onChange: (w: EventWindow) => void;
}) {
  switch (when.type) {
    case 'ever':
      return null;
    case 'last':
      return (
        <Field label="Days" help="The last N local days, the as-of day included.">
          <input
            type="number"
            aria-label="Window days"
            min={1}
            className="narrow-number"
            value={when.days}
            onChange={(e) => onChange({ ...when, days: wholeDays(e.target.value) })}
          />
        </Field>
      );
    case 'between':
      return (
        <>
          <Field label="From" help="The first local day, included.">
            <input
              type="date"
              aria-label="Window from"
              value={when.from}
              onChange={(e) => onChange({ ...when, from: e.target.value })}
            />
          </Field>
          <Field label="To" help="The last local day, included.">
            <input
              type="date"
              aria-label="Window to"
              value={when.to}
              onChange={(e) => onChange({ ...when, to: e.target.value })}
            />
          </Field>
        </>
      );
    case 'sinceStart':
      return <SinceStartFields when={when} onChange={onChange} />;
  }
}

function SinceStartFields({
  when,
  onChange,
}: {
  when: Extract<EventWindow, { type: 'sinceStart' }>;
  onChange: (w: EventWindow) => void;
}) {
  const { defaults } = useRuleChoices();
  const { start, ...rest } = when;
  return (
    <>
      <Field label="From day" help="Days after each user's start (0 = from the start).">
        <input
          type="number"
          aria-label="From day"
          min={0}
          className="narrow-number"
          value={when.from}
          onChange={(e) => onChange({ ...when, from: wholeDays(e.target.value) })}
        />
      </Field>
      <Field label="To day" help="Empty: up to the as-of day.">
        <input
          type="number"
          aria-label="To day"
          min={1}
          className="narrow-number"
          placeholder="no end"
          value={when.to ?? ''}
          onChange={(e) => {
            const { to: _, ...open } = when;
            onChange(e.target.value === '' ? open : { ...when, to: wholeDays(e.target.value) });
          }}
        />
      </Field>
      <Field label="Start" help="Each user's first seen, or their first of an event.">
        <select
          aria-label="Start at"
          value={start === undefined ? '' : 'event'}
          onChange={(e) =>
            onChange(
              e.target.value === ''
                ? rest
                : { ...rest, start: { event: defaults.event, where: [] } },
            )
          }
        >
          <option value="">first seen</option>
          <option value="event">their first of an event</option>
        </select>
      </Field>
      {start !== undefined && (
        <div className="rule-start">
          <EventPicker
            label="Start event"
            allowAny={false}
            value={start}
            onChange={(s) => onChange({ ...when, start: s })}
          />
        </div>
      )}
    </>
  );
}
