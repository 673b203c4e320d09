import { AsOfField } from './AsOfField';
import { useEffect, useMemo, useState } from 'react';
import type { SegmentInfo } from '../../../../shared/api/segment-types';
import type { SavedSpec } from '../../../../shared/api/workspace-types';
import { SMALL_SEGMENT, type SegmentRule } from '../../../../shared/specs/segment';
import { useApp } from '../../app-context';
import { ErrorNote } from '../../components/ErrorNote';
import { formatSeconds } from '../../lib/format';
import { RuleBuilder, type RuleChoices } from './RuleBuilder';
import { guessTemplateInputs } from './template-inputs';
import { sizeWords } from './segment-words';
import { useLiveCount, type LiveCount } from './use-live-count';

/** What the builder edits: a new segment, a template's, or a saved one (with its id). */
export interface SegmentDraft {
  id?: string;
  name: string;
  rule: SegmentRule;
  asOf?: string;
  description?: string;
}

/**
 * Create or edit a dynamic segment: its name, the rule, an optional fixed as-of day, and the
 * live count of who meets the rule as it is edited. Save computes the members.
 */
export function SegmentEditor({
  draft,
  segments,
  onSaved,
  onCancel,
}: {
  draft: SegmentDraft;
  segments: SegmentInfo[];
  onSaved: (segment: SegmentInfo) => void;
  onCancel: () => void;
}) {
  const { api, jobs, info } = useApp();
  const [name, setName] = useState(draft.name);
  const [rule, setRule] = useState(draft.rule);
  const [asOf, setAsOf] = useState(draft.asOf ?? '');
  const [description, setDescription] = useState(draft.description ?? '');
  const [analyses, setAnalyses] = useState<SavedSpec[]>([]);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const pinned = asOf === '' ? undefined : asOf;
  const live = useLiveCount(rule, pinned);

  useEffect(() => {
    let current = true;
    api['saved.list']({ kind: 'analysis' }).then(
      (saved) => current && setAnalyses(saved),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [api]);

  const choices = useMemo((): RuleChoices => {
    const guess = guessTemplateInputs({
      eventTypes: info?.eventTypes ?? [],
      properties: info?.properties ?? [],
    });
    return {
      segments,
      analyses,
      selfId: draft.id,
      coreFeatures: guess.coreFeatures,
      today: info?.days?.to ?? info?.today ?? '',
      defaults: {
        event: guess.login,
        userProperty:
          (info?.userProperties ?? []).find((p) => p.name === 'plan')?.name ??
          info?.userProperties[0]?.name ??
          '',
        segment: segments.find((s) => s.id !== draft.id)?.id ?? '',
        analysis: analyses[0]?.id ?? '',
      },
    };
  }, [info, segments, analyses, draft.id]);

  const save = async (): Promise<void> => {
    setSaving(true);
    setError(null);
    try {
      const saved = await jobs.run(`computing the segment ${name.trim()}`, (o) =>
        api['segments.save'](
          {
            ...(draft.id === undefined ? {} : { id: draft.id }),
            name: name.trim(),
            spec: {
              type: 'dynamic',
              rule,
              ...(pinned === undefined ? {} : { asOf: pinned }),
              ...(description.trim() === '' ? {} : { description: description.trim() }),
            },
          },
          o,
        ),
      );
      onSaved(saved);
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };

  return (
    <section className="panel segment-editor" aria-label="Segment builder">
      <div className="panel-head">
        <h2>{draft.id === undefined ? 'New dynamic segment' : `Edit ${draft.name}`}</h2>
        <span className="row">
          <button type="button" className="ghost" onClick={onCancel}>
            Cancel
          </button>
          <button
            type="button"
            className="primary"
            disabled={saving || name.trim() === '' || live.state === 'incomplete'}
            onClick={() => void save()}
          >
            {saving ? 'Saving…' : 'Save segment'}
          </button>
        </span>
      </div>
      <div className="row segment-meta">
        <label className="segment-name-field">
          Name
          <input
            aria-label="Segment name"
            value={name}
            placeholder="e.g. Power users"
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <AsOfField
          value={asOf}
          onChange={setAsOf}
          notes={{
            following: (last) =>
              `Empty: the last day with data (${last}), so the segment follows each new import.`,
            pinned: 'Pinned: members are who met the rule on that day.',
          }}
        />
      </div>
      <label className="segment-description">
        Description (optional)
        <input
          aria-label="Description"
          value={description}
          placeholder="What the segment is for"
          onChange={(e) => setDescription(e.target.value)}
        />
      </label>
      <LiveCountBar live={live} />
      <RuleBuilder
        rule={rule}
        onChange={setRule}
        choices={choices}
        problems={live.state === 'incomplete' ? live.problems : []}
      />
      <ErrorNote error={error} title="Could not save the segment" />
    </section>
  );
}

/** "1,234 of 9,876 users (12.5%) as of 2024-03-07", or what keeps the rule from a count. */
function LiveCountBar({ live }: { live: LiveCount }) {
  if (live.state === 'failed')
    return <ErrorNote error={live.error} title="The rule cannot be counted" />;
  return (
    <div
      className={`live-count ${live.state}`}
      data-testid="live-count"
      data-state={live.state}
      aria-live="polite"
    >
      {live.state === 'incomplete' && (
        <span>
          <strong>Incomplete rule:</strong>{' '}
          {live.problems.length === 1
            ? live.problems[0]?.message
            : `${live.problems.length} things to fill in (marked below)`}
        </span>
      )}
      {live.state === 'counting' && (
        <span className="muted">
          Counting…{live.last === null ? '' : ` (was ${sizeWords(live.last)})`}
        </span>
      )}
      {live.state === 'counted' && (
        <>
          <strong data-testid="live-count-words">{sizeWords(live.count)}</strong>
          <span className="muted small">counted in {formatSeconds(live.count.seconds)}</span>
          {live.count.members < SMALL_SEGMENT && (
            <span className="badge warn">small: fewer than {SMALL_SEGMENT} members</span>
          )}
          {live.count.warnings.map((w) => (
            <span key={w} className="live-warning">
              {w}
            </span>
          ))}
        </>
      )}
    </div>
  );
}
