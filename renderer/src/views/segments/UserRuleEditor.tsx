import { useEffect, useId, useState } from 'react';
import { PROPERTY_OPERATORS, type PropertyOperator } from '../../../../shared/specs/common';
import type { UserRule } from '../../../../shared/specs/segment';
import { useApp } from '../../app-context';
import { Field } from '../../analysis/controls';
import { conditionValue, valueText } from './rule-edit';

/** Engine columns of the people table that are not properties to filter people by. */
const NOT_PROPERTIES = ['uid'];
const NUMERIC = /INT|DOUBLE|FLOAT|DECIMAL|REAL|NUMERIC/i;

/** A column of the people table (plan, country, a CRM field) compared with a value. */
export function UserRuleEditor({
  rule,
  onChange,
}: {
  rule: UserRule;
  onChange: (r: UserRule) => void;
}) {
  const { info, api } = useApp();
  const listId = useId();
  const properties = (info?.userProperties ?? []).filter((p) => !NOT_PROPERTIES.includes(p.name));
  const numeric = NUMERIC.test(properties.find((p) => p.name === rule.property)?.type ?? '');
  const [suggestions, setSuggestions] = useState<string[]>([]);
  useEffect(() => {
    if (rule.property === '') return undefined;
    let live = true;
    api['properties.values']({ property: rule.property, source: 'user', limit: 30 }).then(
      (values) => {
        if (live) setSuggestions(values.map((v) => String(v.value)));
      },
      () => setSuggestions([]),
    );
    return () => {
      live = false;
    };
  }, [api, rule.property]);
  const set = (op: PropertyOperator, text: string, property = rule.property): void => {
    const { value: _, ...rest } = rule;
    const value = conditionValue(text, op, numeric);
    onChange(value === undefined ? { ...rest, property, op } : { ...rest, property, op, value });
  };
  const text = valueText(rule.value);
  return (
    <div className="row rule-line">
      <Field label="Property" help="A column of the people table.">
        <select
          aria-label="User property"
          value={rule.property}
          onChange={(e) => set(rule.op, text, e.target.value)}
        >
          {rule.property === '' && <option value="">property…</option>}
          {properties.map((p) => (
            <option key={p.name} value={p.name}>
              {p.name}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Is" help="How the value compares.">
        <select
          aria-label="User operator"
          value={rule.op}
          onChange={(e) => set(e.target.value as PropertyOperator, text)}
        >
          {PROPERTY_OPERATORS.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      </Field>
      {rule.op !== 'is set' && rule.op !== 'is not set' && (
        <Field label="Value" help="For in / not in: values separated by commas.">
          <input
            aria-label="User value"
            list={listId}
            value={text}
            placeholder={rule.op === 'in' || rule.op === 'not in' ? 'a, b, c' : 'value'}
            onChange={(e) => set(rule.op, e.target.value)}
          />
          <datalist id={listId}>
            {suggestions.map((s) => (
              <option key={s} value={s} />
            ))}
          </datalist>
        </Field>
      )}
    </div>
  );
}
