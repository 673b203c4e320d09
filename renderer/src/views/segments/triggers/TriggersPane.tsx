import { useCallback, useEffect, useMemo, useState } from 'react';
import type { SegmentInfo } from '../../../../../shared/api/segment-types';
import type { SavedSpec } from '../../../../../shared/api/workspace-types';
import { useApp } from '../../../app-context';
import { ErrorNote } from '../../../components/ErrorNote';
import { TriggerEditor, type TriggerDraft } from './TriggerEditor';
import { TriggerList } from './TriggerList';
import { guessDefaults } from './trigger-draft';

/**
 * Triggers: who should get an intervention now. The saved triggers with who fires for each,
 * and the editor of one (its live fires, backtest, downloads and webhook).
 */
export function TriggersPane() {
  const { api, jobs, info } = useApp();
  const [triggers, setTriggers] = useState<SavedSpec[] | null>(null);
  const [segments, setSegments] = useState<SegmentInfo[]>([]);
  const [editing, setEditing] = useState<{ draft: TriggerDraft; key: number } | null>(null);
  const [opened, setOpened] = useState(0);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(async (): Promise<void> => {
    const [saved, all] = await Promise.all([
      api['saved.list']({ kind: 'trigger' }),
      jobs.run('reading the segments', (o) => api['segments.list']({}, o)),
    ]);
    setTriggers(saved);
    setSegments(all.filter((s) => s.type === 'dynamic'));
  }, [api, jobs]);

  useEffect(() => {
    load().then(
      () => setError(null),
      (e: unknown) => setError(e),
    );
  }, [load, info]);

  const defaults = useMemo(
    () =>
      guessDefaults(
        (info?.eventTypes ?? []).map((t) => t.event),
        segments[0]?.id ?? '',
      ),
    [info, segments],
  );
  const segmentName = (id: string): string => segments.find((s) => s.id === id)?.name ?? id;

  const open = (draft: TriggerDraft): void => {
    setOpened((n) => n + 1);
    setEditing({ draft, key: opened + 1 });
  };
  const openNew = (): void =>
    open({
      name: '',
      spec: {
        version: 1,
        cooldownDays: 7,
        condition: { type: 'inactivity', event: { event: defaults.login, where: [] }, days: 7 },
      },
    });
  /** Runs an action on the list, shows the engine's refusal where it happened, reloads. */
  const act = async (work: () => Promise<unknown>): Promise<void> => {
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(e);
    }
    await load().catch((e: unknown) => setError(e));
  };
  const remove = (id: string): Promise<void> =>
    act(async () => {
      await api['saved.delete']({ id });
      if (editing?.draft.id === id) setEditing(null);
    });

  return (
    <div className="stack triggers-pane">
      <ErrorNote error={error} title="The triggers could not do that" />
      <section className="panel" aria-label="Saved triggers">
        <div className="panel-head">
          <h2>Saved triggers</h2>
          <span className="row">
            <span className="muted small" data-testid="trigger-count">
              {triggers === null ? 'loading…' : `${triggers.length} saved`}
            </span>
            <button type="button" className="primary" onClick={openNew}>
              New trigger
            </button>
          </span>
        </div>
        {triggers !== null && (
          <TriggerList
            triggers={triggers}
            selected={editing?.draft.id ?? null}
            segmentName={segmentName}
            onOpen={(saved, spec) => open({ id: saved.id, name: saved.name, spec })}
            onRename={(saved, spec, name) =>
              act(() => api['saved.save']({ id: saved.id, kind: 'trigger', name, spec }))
            }
            onDelete={remove}
          />
        )}
      </section>
      {editing !== null && (
        <TriggerEditor
          key={editing.key}
          draft={editing.draft}
          defaults={defaults}
          segments={segments}
          onCancel={() => setEditing(null)}
          onDelete={editing.draft.id === undefined ? null : () => remove(editing.draft.id ?? '')}
          onSaved={(saved) => {
            // The editor stays open on what was saved; the list shows it with its fires.
            setEditing((e) =>
              e === null ? e : { ...e, draft: { ...e.draft, id: saved.id, name: saved.name } },
            );
            void load().catch((e: unknown) => setError(e));
          }}
        />
      )}
      {editing === null && triggers !== null && triggers.length > 0 && (
        <p className="muted">Open a trigger to see who fires, its backtest and its outputs.</p>
      )}
    </div>
  );
}
