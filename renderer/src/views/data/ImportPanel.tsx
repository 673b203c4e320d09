import { useEffect, useState } from 'react';
import type {
  ImportEventsSummary,
  ImportPreview,
  ImportUsersSummary,
  MappingOverride,
  PresetId,
} from '../../../../shared/api/import-types';
import { PRESET_IDS } from '../../../../shared/api/import-types';
import { useApp } from '../../app-context';
import { ErrorNote } from '../../components/ErrorNote';
import { formatCell, formatNumber, formatSeconds } from '../../lib/format';

type Kind = 'events' | 'people';

/** The mapping fields an analyst may change, with the file column each one reads. */
const FIELDS: { key: 'userId' | 'event' | 'timestamp' | 'insertId'; label: string }[] = [
  { key: 'userId', label: 'User id' },
  { key: 'event', label: 'Event name' },
  { key: 'timestamp', label: 'Timestamp' },
  { key: 'insertId', label: 'Insert id (de-duplication)' },
];

/**
 * Choose files, see how they will be read (format, preset, column mapping, the first rows as
 * stored), change the mapping, import with progress. Nothing is written before Import, and a
 * failed import leaves the workspace as it was.
 */
export function ImportPanel({ initialFiles }: { initialFiles?: string[] }) {
  const { api, jobs, connection, refresh } = useApp();
  const [kind, setKind] = useState<Kind>('events');
  const [files, setFiles] = useState<string[]>(initialFiles ?? []);
  const [pathText, setPathText] = useState('');
  const [preset, setPreset] = useState<PresetId | undefined>(undefined);
  const [mapping, setMapping] = useState<MappingOverride>({});
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [summary, setSummary] = useState<ImportEventsSummary | ImportUsersSummary | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (initialFiles !== undefined && initialFiles.length > 0) setFiles(initialFiles);
  }, [initialFiles]);

  // Every change of files, preset or mapping shows the new reading of the file.
  useEffect(() => {
    if (files.length === 0 || kind !== 'events') {
      setPreview(null);
      return;
    }
    let stale = false;
    setError(null);
    api['import.preview']({
      files,
      ...(preset === undefined ? {} : { preset }),
      ...(Object.keys(mapping).length === 0 ? {} : { mapping }),
      limit: 8,
    }).then(
      (p) => {
        if (!stale) setPreview(p);
      },
      (e: unknown) => {
        if (!stale) {
          setPreview(null);
          setError(e);
        }
      },
    );
    return () => {
      stale = true;
    };
  }, [api, files, preset, mapping, kind]);

  const addPaths = (): void => {
    const paths = pathText
      .split(/\n|,(?=\s*\/)/)
      .map((p) => p.trim())
      .filter((p) => p !== '');
    if (paths.length > 0) choose(paths);
    setPathText('');
  };
  const choose = (paths: string[]): void => {
    setFiles(paths);
    setPreset(undefined);
    setMapping({});
    setSummary(null);
  };
  const upload = async (list: FileList | null): Promise<void> => {
    if (list === null || connection.upload === undefined) return;
    setError(null);
    try {
      const paths = await jobs.run(`uploading ${list.length} file(s)`, async () =>
        Promise.all([...list].map((f) => connection.upload?.(f) ?? Promise.resolve(''))),
      );
      choose(paths);
    } catch (e) {
      setError(e);
    }
  };
  const runImport = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    setSummary(null);
    const name = files.map((f) => f.split(/[\\/]/).pop()).join(', ');
    try {
      const result =
        kind === 'events'
          ? await jobs.run(`importing ${name}`, (o) =>
              api['import.events'](
                {
                  files,
                  ...(preset === undefined ? {} : { preset }),
                  ...(Object.keys(mapping).length === 0 ? {} : { mapping }),
                },
                o,
              ),
            )
          : await jobs.run(`importing people from ${name}`, (o) =>
              api['import.users']({ files }, o),
            );
      setSummary(result);
      await refresh();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const columnOptions = preview?.fileColumns.map((c) => c.name) ?? [];
  const current = (key: (typeof FIELDS)[number]['key']): string => {
    const fromOverride = mapping[key];
    if (fromOverride !== undefined)
      return Array.isArray(fromOverride) ? (fromOverride[0] ?? '') : fromOverride;
    const fromPreview = preview?.mapping[key];
    return Array.isArray(fromPreview) ? (fromPreview[0] ?? '') : (fromPreview ?? '');
  };

  return (
    <section className="panel" aria-label="Import">
      <div className="panel-head">
        <h2>Import</h2>
        <div className="segmented" role="radiogroup" aria-label="What the file holds">
          {(['events', 'people'] as const).map((k) => (
            <button
              key={k}
              type="button"
              role="radio"
              aria-checked={kind === k}
              className={kind === k ? 'on' : ''}
              onClick={() => setKind(k)}
            >
              {k === 'events' ? 'Events' : 'People'}
            </button>
          ))}
        </div>
      </div>
      <div className="import-choose">
        {connection.pickFiles !== undefined && (
          <button
            type="button"
            onClick={() =>
              void connection.pickFiles?.({ title: 'Import event exports' }).then((p) => {
                if (p.length > 0) choose(p);
              })
            }
          >
            Choose files…
          </button>
        )}
        <form
          className="row grow"
          onSubmit={(e) => {
            e.preventDefault();
            addPaths();
          }}
        >
          <input
            aria-label="File, folder or glob on this machine"
            placeholder="Path on this machine: /data/export.csv, a folder, or a glob like /data/*.parquet"
            value={pathText}
            onChange={(e) => setPathText(e.target.value)}
          />
          <button type="submit" disabled={pathText.trim() === ''}>
            Use path
          </button>
        </form>
        {connection.upload !== undefined && (
          <label className="button-like">
            Upload…
            <input
              type="file"
              multiple
              hidden
              aria-label="Upload files"
              accept=".csv,.tsv,.txt,.gz,.parquet,.json,.ndjson,.jsonl"
              onChange={(e) => void upload(e.target.files)}
            />
          </label>
        )}
      </div>
      {files.length > 0 && (
        <div className="muted small" data-testid="import-files">
          {files.join(', ')}
        </div>
      )}
      {kind === 'events' && preview !== null && (
        <div className="stack">
          <div className="mapping">
            <label>
              Format
              <input value={preview.format} readOnly aria-label="Detected format" />
            </label>
            <label>
              Preset
              <select
                aria-label="Preset"
                value={preset ?? preview.preset}
                onChange={(e) => {
                  setPreset(e.target.value as PresetId);
                  setMapping({});
                }}
              >
                {PRESET_IDS.map((id) => (
                  <option key={id} value={id}>
                    {id}
                    {id === preview.candidates[0]?.preset ? ' (detected)' : ''}
                  </option>
                ))}
              </select>
            </label>
            {FIELDS.map((field) => (
              <label key={field.key}>
                {field.label}
                <select
                  aria-label={field.label}
                  value={current(field.key)}
                  onChange={(e) =>
                    setMapping({
                      ...mapping,
                      [field.key]: e.target.value === '' ? undefined : e.target.value,
                    })
                  }
                >
                  <option value="">{field.key === 'insertId' ? '(none)' : '(choose)'}</option>
                  {/* A preset may read a key inside a nested column (properties.time). */}
                  {[...new Set([current(field.key), ...columnOptions])]
                    .filter((c) => c !== '')
                    .map((c) => (
                      <option key={c} value={c}>
                        {c}
                      </option>
                    ))}
                </select>
              </label>
            ))}
          </div>
          {preview.problem !== undefined && (
            <ErrorNote error={preview.problem} title="This mapping cannot be imported yet" />
          )}
          <div className="preview-wrap">
            <table
              className="table compact"
              aria-label="Preview of the rows as they will be stored"
            >
              <thead>
                <tr>
                  {preview.columns.map((c) => (
                    <th key={c}>{c}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {preview.rows.map((row, i) => (
                  <tr key={i}>
                    {preview.columns.map((c) => (
                      <td key={c}>{formatCell(row[c])}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
      <div className="row">
        <button
          type="button"
          className="primary"
          disabled={files.length === 0 || busy || preview?.problem !== undefined}
          onClick={() => void runImport()}
        >
          {busy ? 'Importing…' : kind === 'events' ? 'Import events' : 'Import people'}
        </button>
        {busy && <span className="muted">Progress and Cancel are in the tray (bottom right).</span>}
      </div>
      <ErrorNote error={error} title="Import failed: nothing was changed in the workspace" />
      {summary !== null && <ImportSummary summary={summary} />}
    </section>
  );
}

function ImportSummary({ summary }: { summary: ImportEventsSummary | ImportUsersSummary }) {
  if ('rowsImported' in summary) {
    const skipped = Object.entries(summary.skipped).filter(([, n]) => n > 0);
    return (
      <div className="success" role="status" data-testid="import-summary">
        Imported {formatNumber(summary.rowsImported)} events ({formatNumber(summary.newUsers)} new
        users) in {formatSeconds(summary.seconds)}.
        {skipped.length > 0 &&
          ` Skipped: ${skipped.map(([why, n]) => `${formatNumber(n)} ${why.replace(/([A-Z])/g, ' $1').toLowerCase()}`).join(', ')}.`}
        {summary.warnings.map((w) => (
          <div key={w} className="muted">
            {w}
          </div>
        ))}
      </div>
    );
  }
  return (
    <div className="success" role="status" data-testid="import-summary">
      {formatNumber(summary.added)} people added, {formatNumber(summary.updated)} updated in{' '}
      {formatSeconds(summary.seconds)}.
    </div>
  );
}
