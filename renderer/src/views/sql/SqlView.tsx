import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useApp } from '../../app-context';
import { ErrorNote } from '../../components/ErrorNote';
import { VirtualGrid } from '../../components/VirtualGrid';
import { decodeArrowRows, type Row } from '../../lib/arrow';
import { formatNumber, formatSeconds } from '../../lib/format';
import { sortedOrder, type SortState } from '../../lib/sort-rows';
import { selectionOf, sqlErrorPosition, type SqlErrorPosition } from '../../lib/sql-error';
import { insertAt } from '../../lib/sql-text';
import { SchemaPanel } from './SchemaPanel';

/** Rows a result may hold: enough to scroll and sort any answer, few enough to stay quick. */
const LIMIT = 100_000;
const KEY = 'workbench.sql';
const EXAMPLE = `-- Read-only DuckDB SQL over the workspace. Ctrl+Enter runs.
SELECT event, count(*) AS events, count(DISTINCT uid) AS users
FROM events
GROUP BY event
ORDER BY events DESC`;

interface Answer {
  columns: string[];
  rows: Row[];
  truncated: boolean;
  seconds: number;
}

/** A query editor over the workspace; results in the same grid as raw events, sortable. */
export function SqlView() {
  const { api, jobs } = useApp();
  const [sql, setSql] = useState(() => localStorage.getItem(KEY) ?? EXAMPLE);
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [failure, setFailure] = useState<{ error: unknown; sql: string } | null>(null);
  const [running, setRunning] = useState<{ jobId: string; started: number } | null>(null);
  const [sort, setSort] = useState<SortState | null>(null);
  const editor = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    const timer = setTimeout(() => localStorage.setItem(KEY, sql), 300);
    return () => clearTimeout(timer);
  }, [sql]);

  const position = useMemo(() => {
    if (failure === null) return null;
    const message = (failure.error as { message?: unknown }).message;
    return typeof message === 'string' ? sqlErrorPosition(message, failure.sql) : null;
  }, [failure]);

  const showPosition = useCallback(
    (at: SqlErrorPosition) => {
      const range = selectionOf(sql, at);
      const area = editor.current;
      if (range === null || area === null) return;
      area.focus();
      area.setSelectionRange(range.start, range.end);
      // Bring the line into view inside the textarea.
      const lineHeight = parseFloat(getComputedStyle(area).lineHeight) || 18;
      area.scrollTop = Math.max(0, (at.line - 3) * lineHeight);
    },
    [sql],
  );

  const run = useCallback(async () => {
    if (running !== null) return;
    const text = editor.current?.value ?? sql;
    setFailure(null);
    try {
      const result = await jobs.run('SQL query', (options) => {
        setRunning({ jobId: options.jobId ?? '', started: performance.now() });
        return api['sql.query']({ sql: text, limit: LIMIT, format: 'arrow' }, options);
      });
      setSort(null);
      setAnswer({
        columns: result.columns,
        rows: result.arrow === undefined ? result.rows : decodeArrowRows(result.arrow),
        truncated: result.truncated,
        seconds: result.seconds,
      });
    } catch (e) {
      setAnswer(null);
      setFailure({ error: e, sql: text });
    } finally {
      setRunning(null);
    }
  }, [api, jobs, sql, running]);

  // Put the cursor where DuckDB points, once per failure (not again as the query is edited).
  const shown = useRef<SqlErrorPosition | null>(null);
  useEffect(() => {
    if (position === null || position.column === null || shown.current === position) return;
    shown.current = position;
    showPosition(position);
  }, [position, showPosition]);

  const insert = (text: string): void => {
    const area = editor.current;
    const start = area?.selectionStart ?? sql.length;
    const end = area?.selectionEnd ?? sql.length;
    const next = insertAt(sql, start, end, text);
    setSql(next.text);
    requestAnimationFrame(() => {
      area?.focus();
      area?.setSelectionRange(next.cursor, next.cursor);
    });
  };

  const order = useMemo(
    () => (answer === null ? null : sortedOrder(answer.rows, sort)),
    [answer, sort],
  );
  const getRow = useCallback(
    (i: number) => answer?.rows[order === null ? i : (order[i] ?? i)],
    [answer, order],
  );

  return (
    <div className="view">
      <header className="view-head">
        <h1>SQL</h1>
        <p className="muted">
          DuckDB SQL over this workspace, read-only: <code>events</code> has one row per event (
          <code>uid</code> joins <code>users</code>, times are UTC), <code>users</code> one per
          person, <code>session_facts</code> one per session.
        </p>
      </header>
      <div className="sql-layout">
        <section className="panel sql-editor" aria-label="Query">
          <textarea
            ref={editor}
            className="editor"
            aria-label="SQL query"
            spellCheck={false}
            value={sql}
            onChange={(e) => setSql(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                void run();
              }
            }}
            rows={9}
          />
          <div className="row">
            <button
              type="button"
              className="primary"
              disabled={running !== null || sql.trim() === ''}
              onClick={() => void run()}
            >
              Run <span className="kbd">{isMac() ? '⌘' : 'Ctrl'} ↵</span>
            </button>
            {running !== null && (
              <>
                <button type="button" onClick={() => jobs.cancel(running.jobId)}>
                  Cancel
                </button>
                <Elapsed since={running.started} />
              </>
            )}
            {running === null && answer !== null && (
              <span className="muted" data-testid="sql-status">
                {formatNumber(answer.rows.length)} {answer.rows.length === 1 ? 'row' : 'rows'}
                {answer.truncated
                  ? ` (the first ${formatNumber(LIMIT)}; add a LIMIT or aggregate)`
                  : ''}{' '}
                in {formatSeconds(answer.seconds)}
              </span>
            )}
          </div>
          {failure !== null && (
            <div className="sql-failure">
              <ErrorNote
                error={failure.error}
                title={failureTitle(failure.error, position)}
                preformatted
              />
              {position !== null && (
                <button type="button" className="small" onClick={() => showPosition(position)}>
                  Show line {position.line} in the query
                </button>
              )}
            </div>
          )}
        </section>
        <div className="schema-cell">
          <SchemaPanel onInsert={insert} />
        </div>
      </div>
      {answer !== null && (
        <section className="panel" aria-label="Result">
          <VirtualGrid
            label="Query result"
            columns={answer.columns}
            rowCount={answer.rows.length}
            getRow={getRow}
            sort={sort}
            onSort={setSort}
            height={440}
            empty="The query returned no rows."
          />
        </section>
      )}
    </div>
  );
}

/** Seconds since a query started, ticking while it runs. */
function Elapsed({ since }: { since: number }) {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(performance.now()), 100);
    return () => clearInterval(timer);
  }, []);
  return <span className="muted">running… {formatSeconds((now - since) / 1000)}</span>;
}

function isMac(): boolean {
  return /Mac|iPhone|iPad/.test(navigator.platform);
}

/** "The query failed at line 2, column 6" when DuckDB says where. */
function failureTitle(error: unknown, position: SqlErrorPosition | null): string {
  if ((error as { code?: string } | null)?.code === 'CANCELLED') return 'The query was cancelled';
  if (position === null) return 'The query failed';
  return `The query failed at line ${position.line}${position.column === null ? '' : `, column ${position.column}`}`;
}
