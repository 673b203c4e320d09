import { useState } from 'react';
import type { EventsFilter } from '../../../../shared/api/browse-types';
import { PROPERTY_OPERATORS, type PropertyOperator } from '../../../../shared/specs/common';
import { useApp } from '../../app-context';

export type FilterInput = Partial<EventsFilter>;

const NO_VALUE: PropertyOperator[] = ['is set', 'is not set'];
const LIST: PropertyOperator[] = ['in', 'not in'];

/** The raw-events grid's filters: user, events, time range and one property condition. */
export function EventsFilterBar({
  value,
  onChange,
}: {
  value: FilterInput;
  onChange: (filter: FilterInput) => void;
}) {
  const { info } = useApp();
  const [user, setUser] = useState(value.users?.join(', ') ?? '');
  const [event, setEvent] = useState(value.events?.[0] ?? '');
  const [from, setFrom] = useState(value.from ?? '');
  const [to, setTo] = useState(value.to ?? '');
  const [property, setProperty] = useState('');
  const [op, setOp] = useState<PropertyOperator>('=');
  const [text, setText] = useState('');

  const apply = (): void => {
    const condition =
      property === ''
        ? []
        : [
            {
              property,
              source: 'event' as const,
              op,
              ...(NO_VALUE.includes(op)
                ? {}
                : {
                    value: LIST.includes(op)
                      ? text.split(',').map((v) => v.trim())
                      : text.trim() !== '' && !Number.isNaN(Number(text))
                        ? Number(text)
                        : text,
                  }),
            },
          ];
    onChange({
      users: user
        .split(',')
        .map((u) => u.trim())
        .filter((u) => u !== ''),
      events: event === '' ? [] : [event],
      ...(from === '' ? {} : { from }),
      ...(to === '' ? {} : { to }),
      where: condition,
    });
  };
  const properties = (info?.properties ?? []).filter(
    (p) => !['uid', 'ts', 'insert_key'].includes(p.name),
  );

  return (
    <form
      className="filters"
      aria-label="Filter events"
      onSubmit={(e) => {
        e.preventDefault();
        apply();
      }}
    >
      <label>
        User
        <input
          aria-label="User id"
          placeholder="user id(s), comma separated"
          value={user}
          onChange={(e) => setUser(e.target.value)}
        />
      </label>
      <label>
        Event
        <select aria-label="Event" value={event} onChange={(e) => setEvent(e.target.value)}>
          <option value="">any event</option>
          {(info?.eventTypes ?? []).map((t) => (
            <option key={t.event} value={t.event}>
              {t.event}
            </option>
          ))}
        </select>
      </label>
      <label>
        From (UTC)
        <input
          type="datetime-local"
          aria-label="From"
          value={from}
          onChange={(e) => setFrom(e.target.value)}
        />
      </label>
      <label>
        To (UTC, excluded)
        <input
          type="datetime-local"
          aria-label="To"
          value={to}
          onChange={(e) => setTo(e.target.value)}
        />
      </label>
      <label>
        Property
        <select
          aria-label="Property"
          value={property}
          onChange={(e) => setProperty(e.target.value)}
        >
          <option value="">(none)</option>
          {properties.map((p) => (
            <option key={p.name} value={p.name}>
              {p.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Operator
        <select
          aria-label="Operator"
          value={op}
          onChange={(e) => setOp(e.target.value as PropertyOperator)}
          disabled={property === ''}
        >
          {PROPERTY_OPERATORS.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      </label>
      <label>
        Value
        <input
          aria-label="Value"
          value={text}
          onChange={(e) => setText(e.target.value)}
          disabled={property === '' || NO_VALUE.includes(op)}
          placeholder={LIST.includes(op) ? 'a, b, c' : ''}
        />
      </label>
      <button type="submit" className="primary">
        Apply
      </button>
    </form>
  );
}
