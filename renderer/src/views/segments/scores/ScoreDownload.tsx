import { useState } from 'react';
import type { ScoreSpec } from '../../../../../shared/specs/score';
import { useApp } from '../../../app-context';
import { download } from '../../../analysis/csv';
import { ErrorNote } from '../../../components/ErrorNote';
import { formatNumber } from '../../../lib/format';
import { scoresCsv } from './score-draft';

/** The most users one scores.run lists: what a download can hold. */
const ALL_USERS = 100_000;

/**
 * Every scored user as a CSV. The window cannot name a path on the engine's disk in browser
 * mode, so, as the metrics view's CSV, the file is built here from the engine's rows (scores.run
 * listing everyone, lowest first) in the columns scores.export writes, and downloaded.
 */
export function ScoreDownload({ spec }: { spec: ScoreSpec | null }) {
  const { api, jobs } = useApp();
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const save = async (): Promise<void> => {
    if (spec === null) return;
    setBusy(true);
    setNote(null);
    setError(null);
    try {
      const all = await jobs.run('listing every scored user', (o) =>
        api['scores.run']({ spec, limit: ALL_USERS }, o),
      );
      const file = `${spec.type}-score-${all.asOf}.csv`;
      download(file, scoresCsv(spec, all.bottom));
      setNote(
        `Downloaded ${file}: ${formatNumber(all.bottom.length)} users` +
          (all.users > all.bottom.length
            ? ` (the lowest ${formatNumber(ALL_USERS)} of ${formatNumber(all.users)}; workbench call scores.export writes them all).`
            : '.'),
      );
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="stack tight">
      <button type="button" disabled={spec === null || busy} onClick={() => void save()}>
        {busy ? 'Preparing the CSV…' : 'Download CSV'}
      </button>
      {note !== null && (
        <p className="muted small" role="status" data-testid="score-download-note">
          {note}
        </p>
      )}
      <ErrorNote error={error} title="Could not list the scored users" />
    </div>
  );
}
