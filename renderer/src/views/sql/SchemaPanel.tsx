import { useEffect, useState } from 'react';
import { useApp } from '../../app-context';
import { ErrorNote } from '../../components/ErrorNote';
import { quoteIdentifier } from '../../lib/sql-text';

interface Table {
  name: string;
  columns: { name: string; type: string }[];
}

/** Engine bookkeeping: queryable, but not what an analyst looks for first. */
const INTERNAL = new Set(['workbench_meta', 'saved_specs', 'segment_members']);

/**
 * The workspace's tables and their columns, read from DuckDB's own catalog; a click puts the
 * name into the query at the cursor.
 */
export function SchemaPanel({ onInsert }: { onInsert: (text: string) => void }) {
  const { api, info } = useApp();
  const [tables, setTables] = useState<Table[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [open, setOpen] = useState<Set<string>>(() => new Set(['events']));

  useEffect(() => {
    let stale = false;
    api['sql.query']({
      sql: `SELECT table_name, column_name, data_type FROM duckdb_columns()
        WHERE schema_name = 'main' AND database_name = current_database()
        ORDER BY table_name, column_index`,
      limit: 10_000,
    }).then(
      (result) => {
        if (stale) return;
        const byTable = new Map<string, Table>();
        for (const row of result.rows) {
          const name = String(row.table_name);
          const table = byTable.get(name) ?? { name, columns: [] };
          table.columns.push({ name: String(row.column_name), type: String(row.data_type) });
          byTable.set(name, table);
        }
        const all = [...byTable.values()];
        setTables([
          ...all.filter((t) => !INTERNAL.has(t.name)),
          ...all.filter((t) => INTERNAL.has(t.name)),
        ]);
      },
      (e: unknown) => {
        if (!stale) setError(e);
      },
    );
    return () => {
      stale = true;
    };
    // info: a new workspace (or an import that added columns) reads the catalog again.
  }, [api, info]);

  return (
    <nav className="schema" aria-label="Tables and columns">
      <h2>Tables</h2>
      <ErrorNote error={error} title="Could not list the tables" />
      {tables === null && error === null && <p className="muted small">Reading the catalog…</p>}
      <ul>
        {tables?.map((table) => {
          const expanded = open.has(table.name);
          return (
            <li key={table.name} className={INTERNAL.has(table.name) ? 'internal' : undefined}>
              <div className="schema-table">
                <button
                  type="button"
                  className="schema-toggle"
                  aria-expanded={expanded}
                  aria-label={`${expanded ? 'Hide' : 'Show'} the columns of ${table.name}`}
                  onClick={() => {
                    const next = new Set(open);
                    if (expanded) next.delete(table.name);
                    else next.add(table.name);
                    setOpen(next);
                  }}
                >
                  {expanded ? '▾' : '▸'}
                </button>
                <button
                  type="button"
                  className="link"
                  title={`Insert ${table.name}`}
                  onClick={() => onInsert(table.name)}
                >
                  {table.name}
                </button>
                <span className="muted small">{table.columns.length}</span>
              </div>
              {expanded && (
                <ul className="schema-columns">
                  {table.columns.map((column) => (
                    <li key={column.name}>
                      <button
                        type="button"
                        className="link"
                        title={`Insert ${column.name}`}
                        onClick={() => onInsert(quoteIdentifier(column.name))}
                      >
                        {column.name}
                      </button>
                      <span className="schema-type">{column.type.toLowerCase()}</span>
                    </li>
                  ))}
                </ul>
              )}
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
