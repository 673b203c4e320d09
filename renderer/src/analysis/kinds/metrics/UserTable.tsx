import { useEffect, useMemo, useState } from 'react';
import type { MetricsResult, MetricsSpec } from '../../../../../shared/specs/metrics';
import { useApp } from '../../../app-context';
import { ErrorNote } from '../../../components/ErrorNote';
import { VirtualGrid } from '../../../components/VirtualGrid';
import { decodeArrowRows, type Row } from '../../../lib/arrow';
import { formatNumber } from '../../../lib/format';
import { PagedRows } from '../../../lib/paged-rows';
import type { SortState } from '../../../lib/sort-rows';
import { usePagedRows } from '../../../lib/use-paged-rows';
import { download, toCsv } from '../../csv';
import {
  allRows,
  csvValue,
  FILTER_OPS,
  filterWords,
  userCellFormatter,
  type ColumnFilter,
} from './user-table';

/**
 * The per-user metrics table of the spec on screen: one row per user, read a page at a time
 * from metrics.page, sorted by a header click and filtered on metric columns by the engine, so
 * a million users scroll like a hundred. Exports write exactly these rows.
 */
export function MetricsUserTable({ spec, result }: { spec: MetricsSpec; result: MetricsResult }) {
  const { api, jobs, info, navigate, connection } = useApp();
  const [sort, setSort] = useState<SortState | null>(null);
  const [filters, setFilters] = useState<ColumnFilter[]>([]);
  const [columns, setColumns] = useState<string[]>([]);
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const specKey = JSON.stringify(spec);
  const request = useMemo(
    () => ({
      spec,
      filters,
      ...(sort === null ? {} : { sort: { column: sort.column, descending: sort.desc } }),
    }),
    // The spec by value: a rerun with the same question keeps the grid's pages.
    [specKey, filters, sort],
  );
  const fetchPage = useMemo(
    () => async (offset: number, limit: number) => {
      const page = await api['metrics.page']({ ...request, offset, limit });
      setColumns(page.columns);
      return { rows: decodeArrowRows(page.arrow), total: page.total };
    },
    [api, request],
  );
  // A new question, sort or filter starts a new list; so does a new workspace.
  const rows = useMemo(() => new PagedRows(fetchPage, 500), [fetchPage, info]);
  const { getRow, onRange, total, error: pageError, loaded } = usePagedRows(rows);
  const format = useMemo(() => userCellFormatter(result), [result]);
  const metricColumns = result.metrics.map((m) => m.name);

  const exportCsv = async (): Promise<void> => {
    setError(null);
    try {
      const all = await jobs.run('exporting the per-user metrics', () => allRows(fetchPage));
      const names = columns.length > 0 ? columns : Object.keys(all[0] ?? {});
      const table = {
        columns: names,
        rows: all.map((r: Row) => Object.fromEntries(names.map((c) => [c, csvValue(r[c])]))),
      };
      download('user-metrics.csv', toCsv(table));
      setNote(`Downloaded user-metrics.csv: ${formatNumber(all.length)} users.`);
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section className="panel" aria-label="Per-user metrics">
      <div className="panel-head">
        <h2>Per user</h2>
        <span className="muted small" data-testid="user-metrics-total">
          {loaded ? `${formatNumber(total)} users` : 'loading…'}
          {loaded && filters.length > 0 ? ' matching the filters' : ''}
        </span>
        <span className="row">
          <button
            type="button"
            className="small"
            disabled={!loaded}
            onClick={() => void exportCsv()}
          >
            Export CSV
          </button>
          <ParquetExport
            onWrite={async (path) => {
              const written = await jobs.run('writing the per-user metrics', (o) =>
                api['metrics.export']({ spec, path, format: 'parquet', filters }, o),
              );
              return `Wrote ${formatNumber(written.rows)} users to ${written.path}.`;
            }}
            defaultPath={parquetPath(info?.workspace.path)}
            canPick={connection.pickFiles !== undefined}
            pick={async () =>
              (
                await connection.pickFiles?.({
                  title: 'Folder for the Parquet file',
                  directory: true,
                })
              )?.[0]
            }
          />
        </span>
      </div>
      <FilterBar columns={metricColumns} filters={filters} onChange={setFilters} />
      {note !== null && (
        <p className="muted small" role="status">
          {note}
        </p>
      )}
      <ErrorNote error={error ?? pageError} title="Could not read the per-user metrics" />
      <VirtualGrid
        label="Per-user metrics"
        columns={columns}
        rowCount={total}
        getRow={getRow}
        onRange={onRange}
        height={360}
        format={format}
        sort={sort}
        onSort={setSort}
        empty={
          !loaded ? 'Loading…' : filters.length > 0 ? 'No user matches these filters.' : 'No users.'
        }
        clickable={['user_id']}
        onCellClick={(_, row) => navigate('events', { userId: String(row.user_id) })}
      />
      <p className="muted small">
        Click a header to sort (again to reverse); click a user to see their timeline.
      </p>
    </section>
  );
}

/** Beside the workspace file: where the engine can write, in either mode. */
function parquetPath(workspace: string | undefined): string {
  if (workspace === undefined || workspace === '') return 'user-metrics.parquet';
  const cut = Math.max(workspace.lastIndexOf('/'), workspace.lastIndexOf('\\'));
  return `${cut < 0 ? '' : workspace.slice(0, cut + 1)}user-metrics.parquet`;
}

/**
 * Parquet is written by the engine to a path on its own machine (no browser can download a
 * Parquet file it never holds): the path is asked for, beside the workspace by default.
 */
function ParquetExport({
  onWrite,
  defaultPath,
  canPick,
  pick,
}: {
  onWrite: (path: string) => Promise<string>;
  defaultPath: string;
  canPick: boolean;
  pick: () => Promise<string | undefined>;
}) {
  const [open, setOpen] = useState(false);
  const [path, setPath] = useState(defaultPath);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  // Escape closes it, as any popover.
  useEffect(() => {
    if (!open) return undefined;
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') setOpen(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);
  return (
    <span className="parquet-export">
      <button type="button" className="small" onClick={() => setOpen(!open)} aria-expanded={open}>
        Export Parquet…
      </button>
      {open && (
        <div className="popover right" role="dialog" aria-label="Export Parquet">
          <p className="muted small">
            The engine writes the file on the machine it runs on (this one in browser mode), with
            the grid’s filters. From a terminal, with the spec exported from this view:{' '}
            <code>workbench run spec.json --out users.parquet</code>.
          </p>
          <div className="row">
            <input
              aria-label="Parquet file path"
              value={path}
              spellCheck={false}
              onChange={(e) => setPath(e.target.value)}
            />
            {canPick && (
              <button
                type="button"
                className="small ghost"
                onClick={() =>
                  void pick().then((dir) => {
                    if (dir !== undefined)
                      setPath(`${dir.replace(/[\\/]$/, '')}/user-metrics.parquet`);
                  })
                }
              >
                Folder…
              </button>
            )}
          </div>
          <button
            type="button"
            className="small"
            disabled={path.trim() === ''}
            onClick={() => {
              setStatus(null);
              setError(null);
              onWrite(path.trim()).then(setStatus, setError);
            }}
          >
            Write Parquet
          </button>
          {status !== null && (
            <p className="small" role="status">
              {status}
            </p>
          )}
          <ErrorNote error={error} title="Could not write the file" />
        </div>
      )}
    </span>
  );
}

/** Numeric filters on metric columns: column, operator, number; each one a removable chip. */
function FilterBar({
  columns,
  filters,
  onChange,
}: {
  columns: string[];
  filters: ColumnFilter[];
  onChange: (filters: ColumnFilter[]) => void;
}) {
  const [column, setColumn] = useState(columns[0] ?? '');
  const [op, setOp] = useState<ColumnFilter['op']>('>=');
  const [value, setValue] = useState('');
  const shownColumn = columns.includes(column) ? column : (columns[0] ?? '');
  const needsValue = op !== 'is set' && op !== 'is not set';
  const number = Number(value);
  const valid =
    shownColumn !== '' && (!needsValue || (value.trim() !== '' && Number.isFinite(number)));
  const add = (): void => {
    if (!valid) return;
    onChange([...filters, { column: shownColumn, op, ...(needsValue ? { value: number } : {}) }]);
    setValue('');
  };
  return (
    <div className="toolbar metric-filters">
      <select
        aria-label="Filter column"
        value={shownColumn}
        onChange={(e) => setColumn(e.target.value)}
      >
        {columns.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>
      <select
        aria-label="Filter operator"
        value={op}
        onChange={(e) => setOp(e.target.value as ColumnFilter['op'])}
      >
        {FILTER_OPS.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
      {needsValue && (
        <input
          type="number"
          aria-label="Filter value"
          placeholder="number"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') add();
          }}
        />
      )}
      <button type="button" className="small" disabled={!valid} onClick={add}>
        Add filter
      </button>
      {filters.map((f, i) => (
        <span key={i} className="chip">
          {filterWords(f)}
          <button
            type="button"
            className="ghost small"
            aria-label={`Remove filter ${filterWords(f)}`}
            onClick={() => onChange(filters.filter((_, j) => j !== i))}
          >
            ✕
          </button>
        </span>
      ))}
    </div>
  );
}
