import { useEffect, useId, useState, type ReactNode } from 'react';
import type {
  Breakdown,
  DateRange,
  EventFilter,
  PropertyCondition,
  ConditionGroup,
  ConditionNode,
  PropertyOperator,
} from '../../../shared/specs/common';
import {
  isConditionGroup,
  isSegmentCondition,
  PROPERTY_OPERATORS,
} from '../../../shared/specs/common';
import { SegmentConditionRow } from './segment-condition';
import { useApp } from '../app-context';
import { formatNumber } from '../lib/format';
import {
  DATE_PRESETS,
  noDataNote,
  presetOf,
  presetRange,
  rangeDays,
  type DatePresetId,
} from './date-presets';

/** A labelled control with its one-line explanation on hover (and for screen readers). */
export function Field({
  label,
  help,
  children,
}: {
  label: string;
  help: string;
  children: ReactNode;
}) {
  return (
    <label className="field" title={help}>
      <span>{label}</span>
      {children}
    </label>
  );
}

export function Select<T extends string>({
  label,
  help,
  value,
  options,
  onChange,
}: {
  label: string;
  help: string;
  value: T;
  options: readonly (readonly [T, string])[];
  onChange: (value: T) => void;
}) {
  return (
    <Field label={label} help={help}>
      <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value as T)}>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </Field>
  );
}

export function NumberInput({
  label,
  help,
  value,
  min,
  max,
  onChange,
}: {
  label: string;
  help: string;
  value: number;
  min: number;
  max?: number;
  onChange: (value: number) => void;
}) {
  return (
    <Field label={label} help={help}>
      <input
        type="number"
        aria-label={label}
        value={value}
        min={min}
        max={max}
        onChange={(e) => {
          const n = Number(e.target.value);
          if (Number.isInteger(n) && n >= min && (max === undefined || n <= max)) onChange(n);
        }}
      />
    </Field>
  );
}

/** Event lists longer than this get a search box. */
const SEARCH_ABOVE = 12;

/** An event name (with its count) or any event, plus conditions on its properties. */
export function EventPicker({
  label,
  value,
  onChange,
  allowAny = true,
}: {
  label: string;
  value: EventFilter;
  onChange: (value: EventFilter) => void;
  allowAny?: boolean;
}) {
  const { info } = useApp();
  const [search, setSearch] = useState('');
  const types = info?.eventTypes ?? [];
  // Long lists get a search box; the chosen event stays listed whatever the search.
  const shown = types.filter(
    (t) => t.event === value.event || t.event.toLowerCase().includes(search.trim().toLowerCase()),
  );
  return (
    <div className="event-picker">
      <Field label={label} help="The event (with how often it happened in the workspace).">
        {types.length > SEARCH_ABOVE && (
          <input
            type="search"
            aria-label={`Search ${label}`}
            placeholder={`Search ${types.length} events`}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
        )}
        <select
          aria-label={label}
          value={value.event}
          onChange={(e) => onChange({ ...value, event: e.target.value })}
        >
          {allowAny && <option value="$any">Any event</option>}
          {shown.map((t) => (
            <option key={t.event} value={t.event}>
              {t.event} ({formatNumber(t.events)})
            </option>
          ))}
        </select>
      </Field>
      <Conditions
        label={`${label} where`}
        event={value.event}
        value={value.where}
        onChange={(where) => onChange({ ...value, where })}
      />
    </div>
  );
}

const NO_VALUE: PropertyOperator[] = ['is set', 'is not set'];
const LIST: PropertyOperator[] = ['in', 'not in'];

/**
 * Conditions on event or user properties, with value suggestions from the data. All of them
 * must hold; an "any of" group holds when one of its conditions does (groups nest).
 */
export function Conditions({
  label,
  value,
  onChange,
  event,
  depth = 0,
}: {
  label: string;
  value: ConditionNode[];
  onChange: (value: ConditionNode[]) => void;
  event?: string;
  depth?: number;
}) {
  const update = (i: number, next: ConditionNode): void =>
    onChange(value.map((c, j) => (j === i ? next : c)));
  const remove = (i: number): void => onChange(value.filter((_, j) => j !== i));
  const blank: PropertyCondition = { property: '', source: 'event', op: '=', value: '' };
  return (
    <div className="conditions" aria-label={label}>
      {value.map((c, i) =>
        isConditionGroup(c) ? (
          <ConditionGroupBox
            key={i}
            group={c}
            event={event}
            depth={depth + 1}
            onChange={(next) => update(i, next)}
            onRemove={() => remove(i)}
          />
        ) : isSegmentCondition(c) ? (
          <SegmentConditionRow
            key={i}
            condition={c}
            onChange={(next) => update(i, next)}
            onRemove={() => remove(i)}
          />
        ) : (
          <ConditionRow
            key={i}
            condition={c}
            event={event}
            onChange={(next) => update(i, next)}
            onRemove={() => remove(i)}
          />
        ),
      )}
      <div className="condition-adds">
        <button
          type="button"
          className="ghost small add"
          onClick={() => onChange([...value, blank])}
        >
          + {label.endsWith('where') ? 'where' : 'filter'}
        </button>
        <button
          type="button"
          className="ghost small add"
          title="Only the members of a saved segment, or everyone outside it"
          onClick={() => onChange([...value, { segment: '', op: 'in' }])}
        >
          + segment
        </button>
        {depth < 4 && (
          <button
            type="button"
            className="ghost small add"
            title="Conditions of which one must hold"
            onClick={() => onChange([...value, { any: [blank] }])}
          >
            + any of
          </button>
        )}
      </div>
    </div>
  );
}

/** A nested group: "any of" (one must hold) or "all of" (every one), switchable. */
function ConditionGroupBox({
  group,
  event,
  depth,
  onChange,
  onRemove,
}: {
  group: ConditionGroup;
  event?: string | undefined;
  depth: number;
  onChange: (next: ConditionGroup) => void;
  onRemove: () => void;
}) {
  const isAny = 'any' in group;
  const items = isAny ? group.any : group.all;
  const set = (next: ConditionNode[], any = isAny): void => {
    if (next.length === 0) onRemove();
    else onChange(any ? { any: next } : { all: next });
  };
  return (
    <div className="condition-group">
      <div className="condition-group-head">
        <select
          aria-label="Group of conditions"
          value={isAny ? 'any' : 'all'}
          onChange={(e) => set(items, e.target.value === 'any')}
        >
          <option value="any">any of</option>
          <option value="all">all of</option>
        </select>
        <button type="button" className="ghost small" aria-label="Remove group" onClick={onRemove}>
          ✕
        </button>
      </div>
      <Conditions
        label={isAny ? 'any of' : 'all of'}
        value={items}
        event={event}
        depth={depth}
        onChange={(next) => set(next)}
      />
    </div>
  );
}

function ConditionRow({
  condition,
  event,
  onChange,
  onRemove,
}: {
  condition: PropertyCondition;
  event?: string | undefined;
  onChange: (c: PropertyCondition) => void;
  onRemove: () => void;
}) {
  const { api } = useApp();
  const listId = useId();
  const [suggestions, setSuggestions] = useState<string[]>([]);
  useEffect(() => {
    if (condition.property === '') return;
    let live = true;
    api['properties.values']({
      property: condition.property,
      source: condition.source,
      ...(event === undefined || event === '$any' ? {} : { event }),
      limit: 30,
    }).then(
      (values) => {
        if (live) setSuggestions(values.map((v) => String(v.value)));
      },
      () => setSuggestions([]),
    );
    return () => {
      live = false;
    };
  }, [api, condition.property, condition.source, event]);
  const text = Array.isArray(condition.value)
    ? condition.value.join(', ')
    : String(condition.value ?? '');
  const setValue = (raw: string, op = condition.op): PropertyCondition => {
    const { value: _, ...rest } = condition;
    if (NO_VALUE.includes(op)) return { ...rest, op };
    if (LIST.includes(op))
      return {
        ...rest,
        op,
        value: raw
          .split(',')
          .map((v) => v.trim())
          .filter((v) => v !== ''),
      };
    return {
      ...rest,
      op,
      value: raw.trim() !== '' && !Number.isNaN(Number(raw)) ? Number(raw) : raw,
    };
  };
  return (
    <div className="condition">
      <PropertySelect
        label="Property"
        empty="property…"
        value={condition.property === '' ? undefined : condition}
        onChange={(ref) =>
          onChange({ ...condition, source: ref?.source ?? 'event', property: ref?.property ?? '' })
        }
      />
      <select
        aria-label="Operator"
        value={condition.op}
        onChange={(e) => onChange(setValue(text, e.target.value as PropertyOperator))}
      >
        {PROPERTY_OPERATORS.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
      {!NO_VALUE.includes(condition.op) && (
        <>
          <input
            aria-label="Value"
            list={listId}
            value={text}
            placeholder={LIST.includes(condition.op) ? 'a, b, c' : 'value'}
            onChange={(e) => onChange(setValue(e.target.value))}
          />
          <datalist id={listId}>
            {suggestions.map((s) => (
              <option key={s} value={s} />
            ))}
          </datalist>
        </>
      )}
      <button
        type="button"
        className="ghost small"
        aria-label="Remove condition"
        onClick={onRemove}
      >
        ✕
      </button>
    </div>
  );
}

/** Date range presets; "This month" follows the workspace clock, the others the data's days. */
export function DateRangeEditor({
  label = 'Date range',
  value,
  onChange,
}: {
  label?: string;
  value: DateRange;
  onChange: (value: DateRange) => void;
}) {
  const { info } = useApp();
  const [custom, setCustom] = useState(false);
  const abs = rangeDays(value, info);
  const current = custom ? 'custom' : presetOf(value, info);
  const note = noDataNote(value, info);
  return (
    <div className="date-range">
      <Field label={label} help="Calendar days in the workspace time zone, both ends included.">
        <select
          aria-label={label}
          value={current}
          onChange={(e) => {
            const id = e.target.value as DatePresetId;
            if (id === 'custom') setCustom(true);
            else {
              setCustom(false);
              onChange(presetRange(id, info));
            }
          }}
        >
          {DATE_PRESETS.map(([id, text]) => (
            <option key={id} value={id}>
              {text}
            </option>
          ))}
        </select>
      </Field>
      {current === 'custom' && (
        <div className="row">
          <input
            type="date"
            aria-label="From"
            value={abs.from}
            onChange={(e) =>
              e.target.value && onChange({ type: 'absolute', from: e.target.value, to: abs.to })
            }
          />
          <input
            type="date"
            aria-label="To"
            value={abs.to}
            onChange={(e) =>
              e.target.value && onChange({ type: 'absolute', from: abs.from, to: e.target.value })
            }
          />
        </div>
      )}
      <div className="muted small" data-testid="range-days">
        {abs.from} → {abs.to}
      </div>
      {note !== null && (
        <div className="warning small" role="note" data-testid="range-note">
          {note}
        </div>
      )}
    </div>
  );
}

/** Breakdown by one event or user property: its top N values, the rest as "(other)". */
export function BreakdownEditor({
  value,
  onChange,
  label = 'Breakdown',
}: {
  value: Breakdown | undefined;
  onChange: (value: Breakdown | undefined) => void;
  label?: string;
}) {
  return (
    <div className="row">
      <Field
        label={label}
        help="Split every number by this property's top values; the rest are summed as (other)."
      >
        <PropertySelect
          label={label}
          empty="(none)"
          value={value}
          onChange={(ref) =>
            onChange(ref === undefined ? undefined : { ...ref, limit: value?.limit ?? 10 })
          }
        />
      </Field>
      {value !== undefined && (
        <NumberInput
          label="Top values"
          help="How many values are shown; the rest become (other)."
          value={value.limit}
          min={1}
          max={100}
          onChange={(limit) => onChange({ ...value, limit })}
        />
      )}
    </div>
  );
}

/** Engine columns that are not properties an analyst filters or breaks down by. */
const NOT_EVENT_PROPERTIES = ['uid', 'ts', 'insert_key', 'properties'];
const NOT_USER_PROPERTIES = ['uid', 'first_seen', 'last_seen', 'event_count'];

/** One event or user property, as conditions and breakdowns name it ({source, property}). */
export function PropertySelect({
  label,
  empty,
  value,
  onChange,
}: {
  label: string;
  empty: string;
  value: { source: 'event' | 'user'; property: string } | undefined;
  onChange: (value: { source: 'event' | 'user'; property: string } | undefined) => void;
}) {
  const { info } = useApp();
  return (
    <select
      aria-label={label}
      value={value === undefined ? '' : `${value.source}:${value.property}`}
      onChange={(e) => {
        if (e.target.value === '') return onChange(undefined);
        const [source, ...name] = e.target.value.split(':');
        onChange({ source: source === 'user' ? 'user' : 'event', property: name.join(':') });
      }}
    >
      <option value="">{empty}</option>
      <optgroup label="Event properties">
        {(info?.properties ?? [])
          .filter((p) => !NOT_EVENT_PROPERTIES.includes(p.name))
          .map((p) => (
            <option key={p.name} value={`event:${p.name}`}>
              {p.name}
            </option>
          ))}
      </optgroup>
      <optgroup label="User properties">
        {(info?.userProperties ?? [])
          .filter((p) => !NOT_USER_PROPERTIES.includes(p.name))
          .map((p) => (
            <option key={p.name} value={`user:${p.name}`}>
              user.{p.name}
            </option>
          ))}
      </optgroup>
    </select>
  );
}
