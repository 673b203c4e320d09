import { AsOfField } from '../AsOfField';
import { useState } from 'react';
import type { SegmentInfo } from '../../../../../shared/api/segment-types';
import type { SavedSpec } from '../../../../../shared/api/workspace-types';
import {
  triggerWords,
  type TriggerCondition,
  type TriggerSpec,
} from '../../../../../shared/specs/trigger';
import { useApp } from '../../../app-context';
import { ErrorNote } from '../../../components/ErrorNote';
import { formatNumber, formatSeconds } from '../../../lib/format';
import { BacktestPanel } from './BacktestPanel';
import { ConditionFields, WholeNumber } from './ConditionFields';
import { FireDownloads } from './FireDownloads';
import { FiresTable } from './FiresTable';
import { parsedSpec, runWords, type ConditionDefaults } from './trigger-draft';
import { useLiveFires, type LiveFires } from './use-live-fires';
import { WebhookPanel } from './WebhookPanel';

/** What the editor edits: a new trigger, or a saved one (with its id). */
export interface TriggerDraft {
  id?: string;
  name: string;
  spec: TriggerSpec;
}

/**
 * Create or edit a trigger: its condition and cooldown, an optional as-of day, who fires as it
 * is edited, the backtest, the downloads and the webhook. Save stores it in the workspace.
 */
export function TriggerEditor({
  draft,
  defaults,
  segments,
  onSaved,
  onDelete,
  onCancel,
}: {
  draft: TriggerDraft;
  defaults: ConditionDefaults;
  /** Dynamic segments, for "entering a segment" and the definition in words. */
  segments: SegmentInfo[];
  onSaved: (saved: SavedSpec) => void;
  onDelete: (() => Promise<void>) | null;
  onCancel: () => void;
}) {
  const { api, info } = useApp();
  const [name, setName] = useState(draft.name);
  const [condition, setCondition] = useState<TriggerCondition>(draft.spec.condition);
  const [cooldownDays, setCooldownDays] = useState(draft.spec.cooldownDays);
  const [asOf, setAsOf] = useState('');
  const [saving, setSaving] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const pinned = asOf === '' ? undefined : asOf;
  const edited = { version: 1, condition, cooldownDays };
  const spec = parsedSpec(edited);
  const live = useLiveFires(edited, pinned);
  const segmentName = (id: string): string => segments.find((s) => s.id === id)?.name ?? id;
  const words = spec === null ? null : triggerWords(spec, segmentName);
  // Outputs carry the name; an unnamed draft is called by its definition.
  const label = name.trim() !== '' ? name.trim() : (words ?? 'trigger');
  const asOfDay = live.state === 'done' ? live.result.asOf : (pinned ?? info?.days?.to);

  const save = async (): Promise<void> => {
    if (spec === null) return;
    setSaving(true);
    setError(null);
    try {
      onSaved(
        await api['saved.save']({
          ...(draft.id === undefined ? {} : { id: draft.id }),
          kind: 'trigger',
          name: name.trim(),
          spec,
        }),
      );
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };

  return (
    <div className="stack trigger-editor" data-testid="trigger-editor">
      <section className="panel segment-editor" aria-label="Trigger editor">
        <div className="panel-head">
          <h2>{draft.id === undefined ? 'New trigger' : `Edit ${draft.name}`}</h2>
          <span className="row">
            <button type="button" className="ghost" onClick={onCancel}>
              Close
            </button>
            {onDelete !== null &&
              (confirmDelete ? (
                <>
                  <span>Delete?</span>
                  <button
                    type="button"
                    className="small danger"
                    onClick={() => void onDelete().finally(() => setConfirmDelete(false))}
                  >
                    Delete
                  </button>
                  <button
                    type="button"
                    className="small ghost"
                    onClick={() => setConfirmDelete(false)}
                  >
                    Keep
                  </button>
                </>
              ) : (
                <button type="button" className="ghost" onClick={() => setConfirmDelete(true)}>
                  Delete
                </button>
              ))}
            <button
              type="button"
              className="primary"
              disabled={saving || name.trim() === '' || spec === null}
              title={name.trim() === '' ? 'Name the trigger first' : undefined}
              onClick={() => void save()}
            >
              {saving ? 'Saving…' : 'Save trigger'}
            </button>
          </span>
        </div>
        <div className="row segment-meta">
          <label className="segment-name-field">
            Name
            <input
              aria-label="Trigger name"
              value={name}
              placeholder="e.g. Gone quiet for a week"
              onChange={(e) => setName(e.target.value)}
            />
          </label>
          <WholeNumber
            label="Cooldown days"
            help="A user fires at most once in this many days (0: no cooldown)."
            value={cooldownDays}
            min={0}
            onChange={setCooldownDays}
          />
          <AsOfField
            value={asOf}
            onChange={setAsOf}
            notes={{
              following: (last) => `Empty: the end of the last day with data (${last}).`,
              pinned: 'Who fires as of the end of that day.',
            }}
          />
        </div>
        <ConditionFields
          condition={condition}
          onChange={setCondition}
          defaults={defaults}
          segments={segments}
        />
        {words !== null && (
          <p className="meaning" data-testid="trigger-words">
            Fires for users with {words}.
          </p>
        )}
        <LiveFiresBar live={live} />
        <ErrorNote error={error} title="Could not save the trigger" />
      </section>
      <FiredUsers live={live} spec={spec} asOf={asOfDay} name={label} />
      <BacktestPanel spec={spec} asOfDay={asOfDay} />
      <WebhookPanel spec={spec} asOf={asOfDay} name={label} />
    </div>
  );
}

/** "37 users fire as of 2026-03-16 (12 stale, ...)", or what keeps the trigger from running. */
function LiveFiresBar({ live }: { live: LiveFires }) {
  if (live.state === 'failed')
    return <ErrorNote error={live.error} title="The trigger cannot be run" />;
  const state =
    live.state === 'done' ? 'counted' : live.state === 'running' ? 'counting' : live.state;
  return (
    <div
      className={`live-count ${state}`}
      data-testid="live-fires"
      data-state={live.state}
      data-total={live.state === 'done' ? live.result.total : undefined}
      aria-live="polite"
    >
      {live.state === 'incomplete' && (
        <span>
          <strong>Incomplete trigger:</strong> {live.problems.join('; ')}
        </span>
      )}
      {live.state === 'running' && (
        <span className="muted">
          Finding who fires…{live.last === null ? '' : ` (was ${runWords(live.last)})`}
        </span>
      )}
      {live.state === 'done' && (
        <>
          <strong data-testid="live-fires-words">{runWords(live.result)}</strong>
          <span className="muted small">found in {formatSeconds(live.result.seconds)}</span>
          {live.result.warnings.map((w) => (
            <span key={w} className="live-warning">
              {w}
            </span>
          ))}
        </>
      )}
    </div>
  );
}

/** The fired users' table, with the downloads of everyone who fires. */
function FiredUsers({
  live,
  spec,
  asOf,
  name,
}: {
  live: LiveFires;
  spec: TriggerSpec | null;
  asOf: string | undefined;
  name: string;
}) {
  const result = live.state === 'done' ? live.result : live.state === 'running' ? live.last : null;
  return (
    <section className="panel" aria-label="Fired users">
      <div className="panel-head">
        <h2>Who fires</h2>
        <span className="muted small">
          {result === null
            ? ''
            : result.truncated
              ? `the ${formatNumber(result.fires.length)} most recent fires of ${formatNumber(result.total)}; the downloads hold everyone`
              : `${formatNumber(result.total)} users, most recent fire first`}
        </span>
      </div>
      <FireDownloads spec={spec} asOf={asOf} name={name} />
      {result !== null && <FiresTable fires={result.fires} />}
    </section>
  );
}
