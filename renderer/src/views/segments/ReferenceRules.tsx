import { useState } from 'react';
import type { OutcomeRule, SegmentRefRule } from '../../../../shared/specs/segment';
import type { UserSelection } from '../../../../shared/specs/users-behind';
import { formatCount } from '../../../../shared/format';
import { Field } from '../../analysis/controls';
import { useRuleChoices } from './RuleBuilder';

/** Members (or not) of another saved segment. */
export function SegmentRefEditor({
  rule,
  onChange,
}: {
  rule: SegmentRefRule;
  onChange: (r: SegmentRefRule) => void;
}) {
  const { segments, selfId } = useRuleChoices();
  const others = segments.filter((s) => s.id !== selfId);
  const known = others.some((s) => s.id === rule.segment);
  return (
    <div className="row rule-line">
      <Field label="Users" help="In the segment's members as they are now, or not.">
        <select
          aria-label="Segment membership"
          value={rule.op}
          onChange={(e) => onChange({ ...rule, op: e.target.value === 'not in' ? 'not in' : 'in' })}
        >
          <option value="in">in</option>
          <option value="not in">not in</option>
        </select>
      </Field>
      <Field label="Segment" help="Another saved segment, static or dynamic.">
        <select
          aria-label="Segment"
          value={rule.segment}
          onChange={(e) => onChange({ ...rule, segment: e.target.value })}
        >
          {!known && (
            <option value={rule.segment}>
              {rule.segment === '' ? 'segment…' : 'a segment no longer saved'}
            </option>
          )}
          {others.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
              {s.members === null ? '' : ` (${formatCount(s.members)})`}
            </option>
          ))}
        </select>
      </Field>
    </div>
  );
}

/** The kind of a saved analysis and, for a funnel, its number of steps. */
function analysisShape(spec: unknown): { kind: string; steps: number } {
  const s = (spec ?? {}) as { kind?: unknown; steps?: unknown };
  return {
    kind: typeof s.kind === 'string' ? s.kind : '',
    steps: Array.isArray(s.steps) ? s.steps.length : 0,
  };
}

/**
 * The users behind one number of a saved analysis: for a funnel, who converted at or dropped
 * before a step; for any other kind, the selection as its view writes it (JSON).
 */
export function OutcomeRuleEditor({
  rule,
  onChange,
}: {
  rule: OutcomeRule;
  onChange: (r: OutcomeRule) => void;
}) {
  const { analyses } = useRuleChoices();
  const picked = analyses.find((a) => a.id === rule.analysis);
  const shape = analysisShape(picked?.spec);
  const pick = (id: string): void => {
    const next = analysisShape(analyses.find((a) => a.id === id)?.spec);
    const select: UserSelection =
      next.kind === 'funnel' || next.kind === ''
        ? { kind: 'funnel', step: Math.min(2, Math.max(1, next.steps)), outcome: 'dropped' }
        : ({ kind: next.kind } as UserSelection);
    onChange({ ...rule, analysis: id, select });
  };
  if (analyses.length === 0)
    return (
      <p className="muted small">
        No analysis is saved in this workspace yet: save a funnel (or any analysis) in its view,
        then pick one of its numbers here.
      </p>
    );
  return (
    <div className="stack rule-fields">
      <div className="row rule-line">
        <Field label="Saved analysis" help="An analysis saved in this workspace.">
          <select
            aria-label="Saved analysis"
            value={rule.analysis}
            onChange={(e) => pick(e.target.value)}
          >
            {picked === undefined && <option value={rule.analysis}>analysis…</option>}
            {analyses.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name} ({analysisShape(a.spec).kind})
              </option>
            ))}
          </select>
        </Field>
        {shape.kind === 'funnel' && rule.select.kind === 'funnel' && (
          <>
            <Field label="Who" help="Reached the step, or reached the one before and not it.">
              <select
                aria-label="Funnel outcome"
                value={rule.select.outcome}
                onChange={(e) =>
                  onChange({
                    ...rule,
                    select: {
                      ...(rule.select as Extract<UserSelection, { kind: 'funnel' }>),
                      outcome: e.target.value === 'converted' ? 'converted' : 'dropped',
                    },
                  })
                }
              >
                <option value="converted">converted at</option>
                <option value="dropped">dropped before</option>
              </select>
            </Field>
            <Field label="Step" help="Funnel steps are numbered from 1.">
              <select
                aria-label="Funnel step"
                value={rule.select.step}
                onChange={(e) =>
                  onChange({
                    ...rule,
                    select: {
                      ...(rule.select as Extract<UserSelection, { kind: 'funnel' }>),
                      step: Number(e.target.value),
                    },
                  })
                }
              >
                {Array.from({ length: Math.max(1, shape.steps) }, (_, i) => (
                  <option key={i} value={i + 1}>
                    step {i + 1}
                  </option>
                ))}
              </select>
            </Field>
          </>
        )}
      </div>
      {picked !== undefined && shape.kind !== 'funnel' && (
        <SelectionJson value={rule.select} onChange={(select) => onChange({ ...rule, select })} />
      )}
    </div>
  );
}

/** Any kind's selection as JSON ({"kind": "retention", "cohort": "mean", "column": 4}). */
function SelectionJson({
  value,
  onChange,
}: {
  value: UserSelection;
  onChange: (s: UserSelection) => void;
}) {
  const [text, setText] = useState(() => JSON.stringify(value));
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <Field
      label="Which number (the selection, as JSON)"
      help="The number's selection as the analysis view's users-behind panel names it."
    >
      <input
        aria-label="Selection"
        className="mono-input"
        spellCheck={false}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          try {
            onChange(JSON.parse(e.target.value) as UserSelection);
            setProblem(null);
          } catch {
            setProblem('not JSON yet');
          }
        }}
      />
      {problem !== null && <span className="field-problem">{problem}</span>}
    </Field>
  );
}
