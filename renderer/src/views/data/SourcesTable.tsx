import { useApp } from '../../app-context';
import { SortableTable } from '../../components/SortableTable';
import { formatBytes, formatNumber, formatRange, formatTime } from '../../lib/format';

/** Every file imported into the workspace. */
export function SourcesTable() {
  const { info } = useApp();
  const rows = (info?.sources ?? []).map((s) => ({
    id: s.id,
    files: s.files.map((f) => f.split(/[\\/]/).pop()).join(', '),
    path: s.files.join('\n'),
    kind: s.kind,
    preset: s.kind === 'users' ? 'people' : (s.preset ?? s.format),
    imported: s.rowsImported,
    skipped: s.rowsSkipped,
    range: s.kind === 'users' ? '–' : formatRange(s.range),
    importedAt: formatTime(s.importedAt),
    size: formatBytes(s.bytes),
  }));
  return (
    <SortableTable
      label="Sources"
      rows={rows}
      initialSort={[{ id: 'id', desc: true }]}
      empty="Nothing imported yet."
      columns={[
        { id: 'id', header: '#', numeric: true },
        {
          id: 'files',
          header: 'File',
          render: (r) => <span title={String(r.path)}>{String(r.files)}</span>,
        },
        { id: 'kind', header: 'Kind' },
        { id: 'preset', header: 'Preset' },
        { id: 'imported', header: 'Rows imported', numeric: true },
        {
          id: 'skipped',
          header: 'Skipped',
          numeric: true,
          render: (r) => formatNumber(Number(r.skipped)),
        },
        { id: 'size', header: 'Size' },
        { id: 'range', header: 'Time range' },
        { id: 'importedAt', header: 'Imported at (UTC)' },
      ]}
    />
  );
}
