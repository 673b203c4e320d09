import { EventPicker, Field } from '../../../analysis/controls';
import { NumberField } from './NumberField';
import {
  addRule,
  removeRule,
  setCap,
  setHalfLife,
  updateRule,
  type BehaviouralSpec,
} from './score-draft';

/** Points per event (each rule with an optional cap) and an optional half-life. */
export function BehaviouralEditor({
  spec,
  events,
  onChange,
}: {
  spec: BehaviouralSpec;
  events: readonly string[];
  onChange: (spec: BehaviouralSpec) => void;
}) {
  return (
    <div className="stack">
      <ol className="points-rules" aria-label="Points rules">
        {spec.rules.map((rule, i) => (
          <li key={i} className="points-rule">
            <EventPicker
              label={`Rule ${i + 1} event`}
              value={rule.event}
              onChange={(event) => onChange(updateRule(spec, i, { event }))}
            />
            <div className="row rule-line">
              <Field label="Points" help="Points per event (negative to take points off).">
                <NumberField
                  label={`Rule ${i + 1} points`}
                  value={rule.points}
                  onChange={(n) => n !== undefined && onChange(updateRule(spec, i, { points: n }))}
                />
              </Field>
              <Field label="Cap" help="The most points this rule gives a user; empty: no cap.">
                <NumberField
                  label={`Rule ${i + 1} cap`}
                  value={rule.cap}
                  min={0}
                  optional
                  placeholder="no cap"
                  onChange={(cap) =>
                    onChange({
                      ...spec,
                      rules: spec.rules.map((r, j) => (j === i ? setCap(r, cap) : r)),
                    })
                  }
                />
              </Field>
              <button
                type="button"
                className="small ghost"
                aria-label={`Remove rule ${i + 1}`}
                disabled={spec.rules.length === 1}
                onClick={() => onChange(removeRule(spec, i))}
              >
                Remove
              </button>
            </div>
          </li>
        ))}
      </ol>
      <div className="row rule-line">
        <button
          type="button"
          disabled={spec.rules.length >= 50}
          onClick={() => onChange(addRule(spec, events))}
        >
          Add a rule
        </button>
        <Field
          label="Half-life days"
          help="An event this many days before the as-of day is worth half its points; empty: every event counts in full."
        >
          <NumberField
            label="Half-life days"
            value={spec.halfLifeDays}
            min={0}
            optional
            placeholder="none"
            onChange={(days) => onChange(setHalfLife(spec, days))}
          />
        </Field>
      </div>
    </div>
  );
}
