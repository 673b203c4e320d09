import { useMemo, useState } from 'react';
import {
  SEGMENT_TEMPLATES,
  type SegmentTemplate,
  type TemplateInputs,
} from '../../../../shared/specs/segment-templates';
import { useApp } from '../../app-context';
import { EventPicker, Field } from '../../analysis/controls';
import { FeaturePicker } from './MetricRuleEditor';
import type { SegmentDraft } from './SegmentEditor';
import { guessTemplateInputs } from './template-inputs';

const NUMERIC = /INT|DOUBLE|FLOAT|DECIMAL|REAL|NUMERIC/i;

/**
 * The segments every retention team keeps, as starting points: pick one, confirm which events
 * of this workspace mean login, core features, purchase or trial start (guessed from their
 * names and counts), and the builder opens with its rule.
 */
export function TemplatePicker({
  onPick,
  onCancel,
}: {
  onPick: (draft: SegmentDraft) => void;
  onCancel: () => void;
}) {
  const [chosen, setChosen] = useState<SegmentTemplate | null>(null);
  return (
    <section className="panel template-picker" aria-label="Segment templates">
      <div className="panel-head">
        <h2>{chosen === null ? 'Start from a template' : chosen.name}</h2>
        <button type="button" className="ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
      {chosen === null ? (
        <div className="template-cards">
          {SEGMENT_TEMPLATES.map((t) => (
            <button
              key={t.id}
              type="button"
              className="template-card"
              data-template={t.id}
              onClick={() => setChosen(t)}
            >
              <strong>{t.name}</strong>
              <span className="muted">{t.description}</span>
            </button>
          ))}
        </div>
      ) : (
        <TemplateForm template={chosen} onBack={() => setChosen(null)} onPick={onPick} />
      )}
    </section>
  );
}

function TemplateForm({
  template,
  onBack,
  onPick,
}: {
  template: SegmentTemplate;
  onBack: () => void;
  onPick: (draft: SegmentDraft) => void;
}) {
  const { info } = useApp();
  const guess = useMemo(
    () =>
      guessTemplateInputs({
        eventTypes: info?.eventTypes ?? [],
        properties: info?.properties ?? [],
      }),
    [info],
  );
  const [inputs, setInputs] = useState<TemplateInputs>(guess);
  const set = (next: Partial<TemplateInputs>): void => setInputs({ ...inputs, ...next });
  const events = (info?.eventTypes ?? []).map((t) => t.event);
  const numeric = (info?.properties ?? []).filter((p) => NUMERIC.test(p.type)).map((p) => p.name);
  const needs = new Set(template.needs);
  const missing =
    (needs.has('coreFeatures') && inputs.coreFeatures.length === 0) ||
    (needs.has('purchase') && inputs.purchase === '') ||
    (needs.has('revenueProperty') && inputs.revenueProperty === '');
  const use = (): void => {
    const spec = template.build(inputs);
    onPick({
      name: template.name,
      rule: spec.rule,
      ...(spec.description === undefined ? {} : { description: spec.description }),
    });
  };
  return (
    <div className="stack template-form">
      <p className="muted">{template.description}.</p>
      {needs.size === 0 && <p>This template needs nothing from you: it reads every event.</p>}
      <div className="row template-inputs">
        {needs.has('login') && (
          <EventSelect
            label="Login event"
            help="The event that means a visit or a login here."
            events={events}
            value={inputs.login}
            onChange={(login) => set({ login })}
          />
        )}
        {needs.has('purchase') && (
          <EventSelect
            label="Purchase event"
            help="The event of a purchase."
            events={events}
            value={inputs.purchase}
            onChange={(purchase) => set({ purchase })}
          />
        )}
        {needs.has('revenueProperty') && (
          <Field label="Revenue property" help="A numeric property of the purchase event.">
            <select
              aria-label="Revenue property"
              value={inputs.revenueProperty}
              onChange={(e) => set({ revenueProperty: e.target.value })}
            >
              {inputs.revenueProperty === '' && <option value="">no numeric property</option>}
              {numeric.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          </Field>
        )}
        {needs.has('minRevenue') && (
          <Field label="At least (in 90 days)" help="Revenue at which a purchaser is high-value.">
            <input
              type="number"
              aria-label="Minimum revenue"
              min={0}
              value={inputs.minRevenue}
              onChange={(e) => set({ minRevenue: Math.max(0, Number(e.target.value)) })}
            />
          </Field>
        )}
      </div>
      {needs.has('trialStart') && (
        <EventPicker
          label="Trial start event"
          allowAny={false}
          value={inputs.trialStart}
          onChange={(trialStart) => set({ trialStart })}
        />
      )}
      {needs.has('coreFeatures') && (
        <FeaturePicker
          value={inputs.coreFeatures}
          events={events}
          onChange={(coreFeatures) => set({ coreFeatures })}
        />
      )}
      <div className="row">
        <button type="button" className="ghost" onClick={onBack}>
          ← Templates
        </button>
        <button type="button" className="primary" disabled={missing} onClick={use}>
          Open in the builder
        </button>
        {missing && <span className="field-problem">Pick the events this template needs.</span>}
      </div>
    </div>
  );
}

function EventSelect({
  label,
  help,
  events,
  value,
  onChange,
}: {
  label: string;
  help: string;
  events: string[];
  value: string;
  onChange: (event: string) => void;
}) {
  return (
    <Field label={label} help={help}>
      <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value)}>
        {value === '' && <option value="">event…</option>}
        {events.map((e) => (
          <option key={e} value={e}>
            {e}
          </option>
        ))}
      </select>
    </Field>
  );
}
