import { RenameForm, RowActions } from '../row-actions';
import { useEffect, useState } from 'react';
import type { SavedSpec } from '../../../../../shared/api/workspace-types';
import { formatCount } from '../../../../../shared/format';
import {
  triggerSpecSchema,
  triggerWords,
  type TriggerSpec,
} from '../../../../../shared/specs/trigger';
import { useApp } from '../../../app-context';

/** Who a saved trigger fires for now: the count and the stale count (triggers.run, one row). */
function useFiresNow(
  spec: TriggerSpec | null,
): { total: number; stale: number; asOf: string } | 'running' | { error: string } {
  const { api, info } = useApp();
  const key = JSON.stringify(spec);
  const [answer, setAnswer] = useState<
    { key: string; total: number; stale: number; asOf: string } | { key: string; error: string }
  >({ key: '', error: '' });
  useEffect(() => {
    if (spec === null) return undefined;
    const controller = new AbortController();
    api['triggers.run']({ spec, limit: 1 }, { signal: controller.signal }).then(
      (r) =>
        !controller.signal.aborted &&
        setAnswer({ key, total: r.total, stale: r.stale, asOf: r.asOf }),
      (e: unknown) =>
        !controller.signal.aborted &&
        setAnswer({ key, error: (e as { message?: string }).message ?? String(e) }),
    );
    return () => controller.abort();
    // A new import changes who fires: the workspace's info is part of the question.
  }, [api, key, info]);
  if (answer.key !== key) return 'running';
  return 'error' in answer ? { error: answer.error } : answer;
}

/**
 * The saved triggers: name, the definition in words, and who fires now (with how many of them
 * are stale). A row opens the trigger; rename and delete act on it in place.
 */
export function TriggerList({
  triggers,
  selected,
  segmentName,
  onOpen,
  onRename,
  onDelete,
}: {
  triggers: SavedSpec[];
  selected: string | null;
  segmentName: (id: string) => string;
  onOpen: (saved: SavedSpec, spec: TriggerSpec) => void;
  onRename: (saved: SavedSpec, spec: TriggerSpec, name: string) => Promise<void>;
  onDelete: (id: string) => Promise<void>;
}) {
  if (triggers.length === 0)
    return (
      <p className="muted segments-empty">
        No trigger is saved yet. Start a new one: inactivity, underuse of a core feature, a burst of
        failures or complaints, a missed milestone, or entering a segment.
      </p>
    );
  return (
    <div className="scroll-box segment-list trigger-list">
      <table className="table compact" aria-label="Saved triggers">
        <thead>
          <tr>
            <th>Name</th>
            <th>Definition</th>
            <th className="num">Firing now</th>
            <th className="num">Stale</th>
            <th>Saved</th>
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {triggers.map((t) => (
            <TriggerRow
              key={t.id}
              saved={t}
              selected={t.id === selected}
              segmentName={segmentName}
              onOpen={onOpen}
              onRename={onRename}
              onDelete={() => onDelete(t.id)}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function TriggerRow({
  saved,
  selected,
  segmentName,
  onOpen,
  onRename,
  onDelete,
}: {
  saved: SavedSpec;
  selected: boolean;
  segmentName: (id: string) => string;
  onOpen: (saved: SavedSpec, spec: TriggerSpec) => void;
  onRename: (saved: SavedSpec, spec: TriggerSpec, name: string) => Promise<void>;
  onDelete: () => Promise<void>;
}) {
  const parsed = triggerSpecSchema.safeParse(saved.spec);
  const spec = parsed.success ? parsed.data : null;
  const now = useFiresNow(spec);
  const [naming, setNaming] = useState(false);
  const [busy, setBusy] = useState(false);
  const act = (work: () => Promise<void>): void => {
    setBusy(true);
    void work().finally(() => setBusy(false));
  };
  const definition =
    spec === null
      ? `cannot be read: ${parsed.error?.issues[0]?.message ?? 'not a trigger spec'}`
      : triggerWords(spec, segmentName);
  return (
    <tr
      className={`segment-row${selected ? ' selected' : ''}`}
      data-trigger={saved.id}
      aria-selected={selected}
    >
      <td>
        <div className="segment-name">
          {!naming || spec === null ? (
            <button
              type="button"
              className="link"
              disabled={spec === null}
              onClick={() => spec !== null && onOpen(saved, spec)}
              title="Open the trigger"
            >
              {saved.name}
            </button>
          ) : (
            <RenameForm
              name={saved.name}
              busy={busy}
              onRename={(name) =>
                act(() => onRename(saved, spec, name).then(() => setNaming(false)))
              }
              onDone={() => setNaming(false)}
            />
          )}
        </div>
      </td>
      <td title={definition}>
        <div className="segment-definition">{definition}</div>
      </td>
      <FiresNowCells now={now} />
      <td className="muted">{saved.updatedAt.slice(0, 10)}</td>
      <td className="segment-actions">
        <RowActions
          name={saved.name}
          busy={busy}
          renameDisabled={spec === null}
          onRename={() => setNaming(true)}
          onDelete={() => new Promise<void>((resolve) => act(() => onDelete().finally(resolve)))}
        />
      </td>
    </tr>
  );
}

function FiresNowCells({ now }: { now: ReturnType<typeof useFiresNow> }) {
  if (now === 'running')
    return (
      <>
        <td className="num muted">…</td>
        <td className="num muted">…</td>
      </>
    );
  if ('error' in now)
    return (
      <td colSpan={2} className="live-warning" title={now.error}>
        cannot run: {now.error}
      </td>
    );
  return (
    <>
      <td className="num" data-testid="trigger-fires-now" title={`as of ${now.asOf}`}>
        {formatCount(now.total)}
      </td>
      <td className="num muted" data-testid="trigger-stale-now">
        {formatCount(now.stale)}
      </td>
    </>
  );
}
