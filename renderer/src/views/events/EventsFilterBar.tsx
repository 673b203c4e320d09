import { useEffect, useId, useMemo, useState } from 'react';
import type { EventsFilter } from '../../../../shared/api/browse-types';
import { PROPERTY_OPERATORS, type PropertyOperator } from '../../../../shared/specs/common';
import { useApp } from '../../app-context';
import {
  buildEventsFilter,
  draftOf,
  isEmptyFilter,
  isNumericType,
  NO_FILTER,
  takesList,
  takesValue,
  type FilterDraft,
} from '../../lib/events-filter';

/** Engine columns that are not properties an analyst filters on. */
const NOT_PROPERTIES = new Set(['uid', 'ts', 'event', 'insert_key', 'properties']);

/**
 * The raw-events grid's filters: users, events (several), a UTC time range and one property
 * condition. Nothing applies until Apply (or Enter), so a half-typed value never starts a scan.
 */
export function EventsFilterBar({
  value,
  onChange,
}: {
  value: EventsFilter;
  onChange: (filter: EventsFilter) => void;
}) {
  const { api, info } = useApp();
  const [draft, setDraft] = useState<FilterDraft>(() => draftOf(value));
  const [problem, setProblem] = useState<string | null>(null);
  const [suggestions, setSuggestions] = useState<string[]>([]);
  const listId = useId();
  const set = (patch: Partial<FilterDraft>): void => {
    setDraft((d) => ({ ...d, ...patch }));
    setProblem(null);
  };

  const properties = useMemo(
    () => (info?.properties ?? []).filter((p) => !NOT_PROPERTIES.has(p.name)),
    [info],
  );
  const numeric = useMemo(
    () => new Set(properties.filter((p) => isNumericType(p.type)).map((p) => p.name)),
    [properties],
  );
  const eventNames = (info?.eventTypes ?? []).map((t) => t.event);

  // The property's most frequent values, offered as the analyst types (of the chosen events).
  useEffect(() => {
    setSuggestions([]);
    if (draft.property === '') return;
    let stale = false;
    api['properties.values']({
      property: draft.property,
      ...(draft.events.length === 1 && draft.events[0] !== undefined
        ? { event: draft.events[0] }
        : {}),
      limit: 50,
    }).then(
      (values) => {
        if (!stale)
          setSuggestions(values.flatMap((v) => (v.value === null ? [] : [String(v.value)])));
      },
      () => undefined, // suggestions are a convenience: the field works without them
    );
    return () => {
      stale = true;
    };
  }, [api, draft.property, draft.events]);

  const apply = (): void => {
    const built = buildEventsFilter(draft, numeric);
    if ('problem' in built) setProblem(built.problem);
    else onChange(built.filter);
  };

  return (
    <form
      className="filters-wrap"
      aria-label="Filter events"
      onSubmit={(e) => {
        e.preventDefault();
        apply();
      }}
    >
      <div className="filters">
        <label>
          User
          <input
            aria-label="User id"
            placeholder="user ids, comma separated"
            value={draft.users}
            onChange={(e) => set({ users: e.target.value })}
          />
        </label>
        <label>
          Event
          <select
            aria-label="Event"
            value=""
            onChange={(e) => {
              const event = e.target.value;
              if (event !== '' && !draft.events.includes(event)) {
                set({ events: [...draft.events, event] });
              }
            }}
          >
            <option value="">{draft.events.length === 0 ? 'any event' : 'add an event…'}</option>
            {eventNames
              .filter((name) => !draft.events.includes(name))
              .map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
          </select>
        </label>
        <label>
          From (UTC)
          <input
            type="datetime-local"
            aria-label="From"
            value={draft.from}
            onChange={(e) => set({ from: e.target.value })}
          />
        </label>
        <label>
          To (UTC, excluded)
          <input
            type="datetime-local"
            aria-label="To"
            value={draft.to}
            onChange={(e) => set({ to: e.target.value })}
          />
        </label>
        <label>
          Property
          <select
            aria-label="Property"
            value={draft.property}
            onChange={(e) => set({ property: e.target.value, value: '' })}
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
            value={draft.op}
            onChange={(e) => set({ op: e.target.value as PropertyOperator })}
            disabled={draft.property === ''}
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
            value={draft.value}
            list={suggestions.length > 0 ? listId : undefined}
            onChange={(e) => set({ value: e.target.value })}
            disabled={draft.property === '' || !takesValue(draft.op)}
            placeholder={takesList(draft.op) ? 'a, b, c' : ''}
            aria-invalid={problem !== null && problem.startsWith('Give') ? true : undefined}
          />
          <datalist id={listId}>
            {suggestions.map((s) => (
              <option key={s} value={s} />
            ))}
          </datalist>
        </label>
        <div className="filter-actions">
          <button type="submit" className="primary">
            Apply
          </button>
          <button
            type="button"
            className="ghost"
            disabled={isEmptyFilter(value) && isEmptyFilter(draftFilter(draft))}
            onClick={() => {
              setDraft(draftOf(NO_FILTER));
              setProblem(null);
              onChange(NO_FILTER);
            }}
          >
            Clear
          </button>
        </div>
      </div>
      {draft.events.length > 0 && (
        <div className="chips" aria-label="Chosen events">
          {draft.events.map((event) => (
            <span key={event} className="chip">
              {event}
              <button
                type="button"
                aria-label={`Remove ${event}`}
                onClick={() => set({ events: draft.events.filter((e) => e !== event) })}
              >
                ×
              </button>
            </span>
          ))}
        </div>
      )}
      {problem !== null && (
        <p className="field-problem" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}

/** The draft as a filter when it is complete, else "something typed" (not empty). */
function draftFilter(draft: FilterDraft): EventsFilter {
  const built = buildEventsFilter(draft);
  return 'filter' in built ? built.filter : { ...NO_FILTER, users: ['?'] };
}
