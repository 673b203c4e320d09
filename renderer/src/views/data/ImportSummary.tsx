import type { ImportEventsSummary, ImportUsersSummary } from '../../../../shared/api/import-types';
import { formatNumber, formatRange, formatSeconds } from '../../lib/format';
import { skippedReasons } from '../../lib/import-mapping';

/** What an import did, in the numbers an analyst checks first. */
export function ImportSummary({ summary }: { summary: ImportEventsSummary | ImportUsersSummary }) {
  if ('rowsImported' in summary) {
    const skipped = skippedReasons({ ...summary.skipped });
    return (
      <div className="success" role="status" data-testid="import-summary">
        <strong>
          Imported {formatNumber(summary.rowsImported)} events ({formatNumber(summary.newUsers)} new
          users)
        </strong>{' '}
        from {formatNumber(summary.rowsRead)} rows read, {formatRange(summary.range)}, preset{' '}
        {summary.preset}, in {formatSeconds(summary.seconds)}.
        {skipped.length > 0 && <div>Skipped: {skipped.join(', ')}.</div>}
        <div className="muted">
          The workspace now holds {formatNumber(summary.totalEvents)} events of{' '}
          {formatNumber(summary.totalUsers)} users.
        </div>
        {summary.warnings.map((w) => (
          <div key={w} className="warning">
            {w}
          </div>
        ))}
      </div>
    );
  }
  const skipped = [
    summary.skippedMissingUser > 0
      ? `${formatNumber(summary.skippedMissingUser)} without a user id`
      : '',
    summary.duplicateUserIds > 0
      ? `${formatNumber(summary.duplicateUserIds)} repeated user ids (the last row kept)`
      : '',
  ].filter((s) => s !== '');
  return (
    <div className="success" role="status" data-testid="import-summary">
      <strong>
        {formatNumber(summary.added)} people added, {formatNumber(summary.updated)} updated
      </strong>{' '}
      from {formatNumber(summary.rowsRead)} rows in {formatSeconds(summary.seconds)}.
      {skipped.length > 0 && <div>Skipped: {skipped.join(', ')}.</div>}
      <div className="muted">Columns kept: {summary.columns.join(', ')}.</div>
    </div>
  );
}
