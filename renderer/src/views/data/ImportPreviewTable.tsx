import type { ImportPreview } from '../../../../shared/api/import-types';
import { formatCell } from '../../lib/format';

/** The first rows as they will be stored, or, while the mapping is incomplete, as the file has them. */
export function ImportPreviewTable({ preview }: { preview: ImportPreview }) {
  const mapped = preview.problem === undefined;
  const label = mapped
    ? 'Preview of the rows as they will be stored'
    : 'The first rows of the file, as it has them';
  return (
    <div className="stack tight">
      <div className="muted small">
        {mapped
          ? `The first ${rowsWord(preview.rows.length)} as they will be stored: user_id, event and ts (UTC) first, then the properties. Rows without a user id or time are skipped and counted.`
          : `The first ${rowsWord(preview.rows.length)} of the file, before mapping.`}
      </div>
      <div className="preview-wrap">
        <table className="table compact" aria-label={label}>
          <thead>
            <tr>
              {preview.columns.map((c) => (
                <th key={c}>{c}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {preview.rows.length === 0 && (
              <tr>
                <td colSpan={preview.columns.length} className="empty">
                  The file has no rows.
                </td>
              </tr>
            )}
            {preview.rows.map((row, i) => {
              // Stored rows need a user and a time; the import skips (and counts) the others.
              const skipped = mapped && (row.user_id === null || row.ts === null);
              return (
                <tr
                  key={i}
                  className={skipped ? 'skipped' : undefined}
                  title={
                    skipped
                      ? `Skipped on import: no ${row.user_id === null ? 'user id' : 'timestamp'}`
                      : undefined
                  }
                >
                  {preview.columns.map((c) => (
                    <td key={c} className={row[c] === null ? 'null' : undefined}>
                      {formatCell(row[c])}
                    </td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function rowsWord(n: number): string {
  return n === 1 ? 'row' : `${n} rows`;
}
