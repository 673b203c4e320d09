import { useCallback, useEffect, useState } from 'react';
import type { SavedSpec } from '../../../shared/api/workspace-types';
import type { AnalysisSpec } from '../../../shared/specs/analysis-spec';
import { parseAnalysisSpec } from '../../../shared/specs/parse-spec';
import { useApp } from '../app-context';
import { ErrorNote } from '../components/ErrorNote';
import { download } from './csv';
import { importSpec } from './import-spec';

/**
 * Saved analyses of this kind: save (or update the open one), open, rename, duplicate, delete;
 * export the spec as JSON (what `workbench run` takes) and import one back.
 */
export function SavedBar({
  spec,
  savedId,
  onOpen,
}: {
  spec: AnalysisSpec;
  savedId: string | null;
  onOpen: (spec: AnalysisSpec, saved: SavedSpec | null) => void;
}) {
  const { api } = useApp();
  const [list, setList] = useState<SavedSpec[]>([]);
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [importError, setImportError] = useState<unknown>(null);
  const [open, setOpen] = useState(false);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [newName, setNewName] = useState('');

  const reload = useCallback(async () => {
    const all = await api['saved.list']({ kind: 'analysis' });
    setList(all.filter((s) => (s.spec as { kind?: string }).kind === spec.kind));
  }, [api, spec.kind]);
  useEffect(() => {
    void reload().catch(setError);
  }, [reload]);
  const current = list.find((s) => s.id === savedId) ?? null;

  const act = async (action: () => Promise<unknown>): Promise<void> => {
    setError(null);
    try {
      await action();
      await reload();
    } catch (e) {
      setError(e);
    }
  };
  const save = () =>
    act(async () => {
      const saved = await api['saved.save']({
        ...(current === null ? {} : { id: current.id }),
        kind: 'analysis',
        name:
          name.trim() || current?.name || `${spec.kind} ${new Date().toISOString().slice(0, 16)}`,
        spec: spec as unknown as Record<string, unknown>,
      });
      setName('');
      onOpen(spec, saved);
    });
  return (
    <div className="saved-bar">
      <input
        aria-label="Analysis name"
        placeholder={current?.name ?? 'Name this analysis'}
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <button type="button" onClick={() => void save()}>
        {current === null ? 'Save' : 'Save changes'}
      </button>
      <div className="switcher">
        <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
          Saved ({list.length}) ▾
        </button>
        {open && (
          <div className="popover right" role="dialog" aria-label="Saved analyses">
            {list.length === 0 && <div className="muted">Nothing saved yet.</div>}
            {list.map((s) => (
              <div key={s.id} className="saved-row">
                {renaming === s.id ? (
                  <form
                    className="row"
                    onSubmit={(e) => {
                      e.preventDefault();
                      const next = newName.trim();
                      setRenaming(null);
                      if (next !== '' && next !== s.name)
                        void act(() =>
                          api['saved.save']({
                            id: s.id,
                            kind: 'analysis',
                            name: next,
                            spec: s.spec as Record<string, unknown>,
                          }),
                        );
                    }}
                  >
                    <input
                      aria-label={`New name for ${s.name}`}
                      value={newName}
                      autoFocus
                      onChange={(e) => setNewName(e.target.value)}
                      onKeyDown={(e) => {
                        if (e.key === 'Escape') setRenaming(null);
                      }}
                    />
                    <button type="submit" className="small">
                      OK
                    </button>
                  </form>
                ) : (
                  <button
                    type="button"
                    className="link"
                    onClick={() => {
                      // Saved rows come from anywhere (the CLI, an older version): checked too.
                      const parsed = parseAnalysisSpec(s.spec, { unknownKeys: 'drop' });
                      if (parsed.ok) {
                        setError(null);
                        onOpen(parsed.spec, s);
                      } else {
                        setError({ message: `${s.name}: ${parsed.message}` });
                      }
                      setOpen(false);
                    }}
                  >
                    {s.name}
                  </button>
                )}
                <span className="row">
                  <button
                    type="button"
                    className="ghost small"
                    onClick={() => {
                      // An inline field, not window.prompt: Electron does not implement prompt().
                      setRenaming(s.id);
                      setNewName(s.name);
                    }}
                  >
                    Rename
                  </button>
                  <button
                    type="button"
                    className="ghost small"
                    onClick={() =>
                      void act(() =>
                        api['saved.save']({
                          kind: 'analysis',
                          name: `${s.name} (copy)`,
                          spec: s.spec as Record<string, unknown>,
                        }),
                      )
                    }
                  >
                    Duplicate
                  </button>
                  <button
                    type="button"
                    className="ghost small"
                    onClick={() =>
                      void act(async () => {
                        await api['saved.delete']({ id: s.id });
                        if (s.id === savedId) onOpen(spec, null);
                      })
                    }
                  >
                    Delete
                  </button>
                </span>
              </div>
            ))}
          </div>
        )}
      </div>
      <button
        type="button"
        onClick={() =>
          download(
            `${current?.name ?? spec.kind}.json`,
            `${JSON.stringify(spec, null, 2)}\n`,
            'application/json',
          )
        }
      >
        Export spec
      </button>
      <label className="button-like">
        Import spec
        <input
          type="file"
          hidden
          accept=".json,application/json"
          aria-label="Import spec"
          onChange={(e) => {
            const input = e.currentTarget;
            const file = input.files?.[0];
            // Cleared, so that choosing the same file again (after fixing it) is a change too.
            input.value = '';
            if (file === undefined) return;
            setImportError(null);
            file.text().then(
              (text) => {
                const imported = importSpec(file.name, text, spec.kind);
                if (imported.ok) onOpen(imported.spec, null);
                else setImportError({ message: imported.message });
              },
              (err: unknown) => setImportError(err),
            );
          }}
        />
      </label>
      <ErrorNote error={importError} title="The spec could not be imported" />
      <ErrorNote error={error} title="Saved analyses" />
    </div>
  );
}
