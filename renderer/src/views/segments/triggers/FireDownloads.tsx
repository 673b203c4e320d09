import { useState } from 'react';
import type { TriggerSpec } from '../../../../../shared/specs/trigger';
import { useApp } from '../../../app-context';
import { download } from '../../../analysis/csv';
import { ErrorNote } from '../../../components/ErrorNote';
import { formatNumber } from '../../../lib/format';
import { fileStem, firesCsv, firesJsonl } from './trigger-draft';

/** The most fires one triggers.run lists: what a download can hold. */
const ALL_FIRES = 100_000;

/**
 * Everyone who fires, as a CSV (a row per user, the context in columns) or as the webhook
 * payload in JSON lines. The window cannot name a path on the engine's disk in browser mode,
 * so, as the metrics view's CSV, the file is built here from the engine's rows (triggers.run
 * with every fire) in the format triggers.export writes, and downloaded.
 */
export function FireDownloads({
  spec,
  asOf,
  name,
}: {
  spec: TriggerSpec | null;
  /** The as-of day of the result on screen, so the file is what the table shows. */
  asOf: string | undefined;
  name: string;
}) {
  const { api, jobs } = useApp();
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const save = async (format: 'csv' | 'jsonl'): Promise<void> => {
    if (spec === null) return;
    setBusy(true);
    setNote(null);
    setError(null);
    try {
      const all = await jobs.run('listing everyone the trigger fires for', (o) =>
        api['triggers.run']({ spec, limit: ALL_FIRES, ...(asOf === undefined ? {} : { asOf }) }, o),
      );
      const file = `${fileStem(name)}-${all.asOf}.${format}`;
      if (format === 'csv') download(file, firesCsv(name, all.asOf, all.fires));
      else download(file, firesJsonl(name, all.asOf, all.fires), 'application/x-ndjson');
      setNote(
        `Downloaded ${file}: ${formatNumber(all.fires.length)} users` +
          (all.truncated
            ? ` (the first ${formatNumber(ALL_FIRES)} of ${formatNumber(all.total)}; workbench call triggers.export writes them all).`
            : '.'),
      );
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="stack fire-downloads">
      <div className="row">
        <button type="button" disabled={spec === null || busy} onClick={() => void save('csv')}>
          Download CSV
        </button>
        <button type="button" disabled={spec === null || busy} onClick={() => void save('jsonl')}>
          Download webhook payload (JSON lines)
        </button>
      </div>
      {note !== null && (
        <p className="muted small" role="status" data-testid="download-note">
          {note}
        </p>
      )}
      <ErrorNote error={error} title="Could not list the fired users" />
    </div>
  );
}
