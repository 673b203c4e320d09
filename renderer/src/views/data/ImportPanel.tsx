import { useEffect, useMemo, useState } from 'react';
import type {
  ImportEventsSummary,
  ImportPreview,
  ImportUsersSummary,
  MappingOverride,
  PresetId,
} from '../../../../shared/api/import-types';
import { useApp } from '../../app-context';
import { ErrorNote } from '../../components/ErrorNote';
import { fileName, missingFields, splitPaths, windowWording } from '../../lib/import-mapping';
import { ImportMapping, TimestampFormat } from './ImportMapping';
import { ImportPreviewTable } from './ImportPreviewTable';
import { ImportSummary } from './ImportSummary';
import { zoneToOffer } from './settings-form';
import { ZoneOffer } from './ZoneOffer';

type Kind = 'events' | 'people';

/**
 * Choose files, see how they will be read (format, preset, column mapping, the first rows as
 * stored), change the mapping, import with progress. Nothing is written before Import, and a
 * failed import leaves the workspace as it was.
 */
export function ImportPanel({ initialFiles }: { initialFiles?: string[] }) {
  const { api, jobs, connection, refresh, info } = useApp();
  const [kind, setKind] = useState<Kind>('events');
  const [files, setFiles] = useState<string[]>(initialFiles ?? []);
  const [pathText, setPathText] = useState('');
  const [preset, setPreset] = useState<PresetId | undefined>(undefined);
  const [mapping, setMapping] = useState<MappingOverride>({});
  const [timezone, setTimezone] = useState('');
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  /** Why the files cannot be read as mapped now; the last preview of them stays to fix it. */
  const [readError, setReadError] = useState<unknown>(null);
  const [reading, setReading] = useState(false);
  const [summary, setSummary] = useState<ImportEventsSummary | ImportUsersSummary | null>(null);
  const [error, setError] = useState<{ title: string; error: unknown } | null>(null);
  const [busy, setBusy] = useState(false);
  /** A source zone the import read its times in, offered as the workspace's afterwards. */
  const [offer, setOffer] = useState<string | null>(null);

  useEffect(() => {
    if (initialFiles !== undefined && initialFiles.length > 0) choose(initialFiles);
  }, [initialFiles]);

  // A zone is checked by the engine; half-typed names ("Europe/") wait until they look whole.
  const zone = /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(timezone.trim()) ? timezone.trim() : '';
  const request = useMemo(
    () => ({
      files,
      ...(preset === undefined ? {} : { preset }),
      ...(Object.keys(mapping).length === 0 ? {} : { mapping }),
      ...(zone === '' ? {} : { sourceTimezone: zone }),
    }),
    [files, preset, mapping, zone],
  );

  // Every change of files, preset, mapping or zone shows the new reading of the file.
  useEffect(() => {
    if (files.length === 0 || kind !== 'events') {
      setPreview(null);
      setReadError(null);
      return;
    }
    let stale = false;
    setReading(true);
    api['import.preview']({ ...request, limit: 8 }).then(
      (p) => {
        if (stale) return;
        setPreview(p);
        setReadError(null);
        setReading(false);
      },
      (e: unknown) => {
        if (stale) return;
        setReadError(e);
        setReading(false);
      },
    );
    return () => {
      stale = true;
    };
  }, [api, request, files.length, kind]);

  function choose(paths: string[]): void {
    setFiles(paths);
    setPreview(null);
    setReadError(null);
    setPreset(undefined);
    setMapping({});
    setSummary(null);
    setError(null);
  }
  const reset = (): void => {
    choose([]);
    setPreview(null);
  };
  const upload = async (list: FileList | null): Promise<void> => {
    if (list === null || list.length === 0 || connection.upload === undefined) return;
    const send = connection.upload;
    setError(null);
    try {
      const paths = await jobs.run(
        `uploading ${list.length === 1 ? (list[0]?.name ?? 'a file') : `${list.length} files`}`,
        ({ signal }) => Promise.all([...list].map((f) => send(f, signal as AbortSignal))),
      );
      choose(paths);
    } catch (e) {
      setError({ title: 'The upload did not complete', error: e });
    }
  };
  const pick = async (directory: boolean): Promise<void> => {
    const paths = await connection.pickFiles?.({
      title: kind === 'events' ? 'Import event exports' : 'Import people',
      directory,
    });
    if (paths !== undefined && paths.length > 0) choose(paths);
  };
  const runImport = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    setSummary(null);
    setOffer(null);
    const name = files.length === 1 ? fileName(files[0] ?? '') : `${files.length} files`;
    try {
      const result =
        kind === 'events'
          ? await jobs.run(`importing ${name}`, (o) => api['import.events'](request, o))
          : await jobs.run(`importing people from ${name}`, (o) =>
              api['import.users']({ files }, o),
            );
      setSummary(result);
      if (kind === 'events') {
        setOffer(zoneToOffer(request.sourceTimezone, info?.workspace.settings.timezone ?? 'UTC'));
      }
      setFiles([]);
      setPreview(null);
      await refresh();
    } catch (e) {
      const cancelled = (e as { code?: string }).code === 'CANCELLED';
      setError({
        title: cancelled
          ? 'Import cancelled: nothing was changed in the workspace'
          : 'Import failed: nothing was changed in the workspace',
        error: e,
      });
    } finally {
      setBusy(false);
    }
  };

  const badTimestamp =
    (readError as { code?: string } | null)?.code === 'BAD_TIMESTAMP' ||
    (error?.error as { code?: string } | undefined)?.code === 'BAD_TIMESTAMP';
  const blocked =
    kind === 'events' &&
    (preview === null ||
      readError !== null ||
      preview.problem !== undefined ||
      missingFields(preview, mapping).length > 0);

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
              onClick={() => {
                setKind(k);
                setSummary(null);
                setError(null);
              }}
            >
              {k === 'events' ? 'Events' : 'People'}
            </button>
          ))}
        </div>
      </div>
      <p className="muted small import-about">
        {kind === 'events'
          ? 'Event exports from Mixpanel, Amplitude, Segment, PostHog, GA4 or your warehouse: CSV/TSV (gzip too), Parquet, NDJSON or JSON. The layout is detected; check the mapping and the first rows before importing. An import is all-or-nothing.'
          : 'A people or contacts export (CSV, Parquet, JSON) with a user id matching the events: email, names, company, opt-out and any other column become user properties. Rows update people already known.'}
      </p>
      <div className="import-choose">
        {connection.pickFiles !== undefined && (
          <>
            <button type="button" onClick={() => void pick(false)}>
              Choose files…
            </button>
            <button type="button" onClick={() => void pick(true)}>
              Choose a folder…
            </button>
          </>
        )}
        <form
          className="row grow"
          onSubmit={(e) => {
            e.preventDefault();
            const paths = splitPaths(pathText);
            if (paths.length > 0) choose(paths);
            setPathText('');
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
          <label className="button-like" title="Copies the file to this machine, then reads it">
            Upload…
            <input
              type="file"
              multiple
              hidden
              aria-label="Upload files"
              accept=".csv,.tsv,.txt,.gz,.parquet,.json,.ndjson,.jsonl"
              onChange={(e) => {
                void upload(e.target.files);
                e.target.value = '';
              }}
            />
          </label>
        )}
      </div>
      {files.length > 0 && (
        <div className="import-files" data-testid="import-files">
          <span title={files.join('\n')}>
            {files.map(fileName).join(', ')}
            {preview !== null && (
              <span className="muted">
                {' '}
                · {preview.format.toUpperCase()}
                {preview.files.length > 1 ? ` · ${preview.files.length} files` : ''} · detected
                preset {preview.candidates[0]?.preset ?? preview.preset}
              </span>
            )}
            {reading && <span className="muted"> · reading…</span>}
          </span>
          <button type="button" className="link small" onClick={reset} disabled={busy}>
            Clear
          </button>
        </div>
      )}
      {kind === 'events' && preview !== null && (
        <div className="stack">
          <ImportMapping
            preview={preview}
            preset={preset}
            onPreset={(p) => {
              setPreset(p);
              setMapping({});
            }}
            mapping={mapping}
            onMapping={setMapping}
            timezone={timezone}
            onTimezone={setTimezone}
            showFormat={badTimestamp}
          />
          {preview.problem !== undefined && readError === null && (
            <ErrorNote
              error={{ ...preview.problem, message: windowWording(preview.problem.message) }}
              title="This mapping cannot be imported yet"
            />
          )}
          {preview.warnings.map((w) => (
            <div key={w} className="warning">
              {windowWording(w)}
            </div>
          ))}
        </div>
      )}
      {kind === 'events' && readError !== null && (
        <ErrorNote
          error={inWindowWords(readError)}
          title={
            preview === null ? 'This file cannot be read' : 'The file cannot be read as mapped'
          }
        />
      )}
      {kind === 'events' && readError === null && preview !== null && (
        <ImportPreviewTable preview={preview} />
      )}
      {kind === 'events' && badTimestamp && preview === null && (
        <TimestampFormat mapping={mapping} onMapping={setMapping} />
      )}
      <div className="row import-actions">
        <button
          type="button"
          className="primary"
          disabled={files.length === 0 || busy || blocked}
          onClick={() => void runImport()}
        >
          {busy ? 'Importing…' : kind === 'events' ? 'Import events' : 'Import people'}
        </button>
        {busy && <span className="muted">Progress and Cancel are in the tray, bottom right.</span>}
        {!busy && files.length === 0 && summary === null && (
          <span className="muted">Choose a file to see how it will be read.</span>
        )}
      </div>
      {error !== null && <ErrorNote error={inWindowWords(error.error)} title={error.title} />}
      {summary !== null && <ImportSummary summary={summary} />}
      {summary !== null && offer !== null && (
        <ZoneOffer zone={offer} onDone={() => setOffer(null)} />
      )}
    </section>
  );
}

/** An engine error with its advice pointing at the form rather than at CLI flags. */
function inWindowWords(error: unknown): unknown {
  const message = (error as { message?: unknown } | null)?.message;
  if (typeof message !== 'string') return error;
  const { code, detail } = error as { code?: string; detail?: unknown };
  return { code, detail, message: windowWording(message) };
}
