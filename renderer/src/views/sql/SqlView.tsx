import { useCallback, useState } from 'react';
import { useApp } from '../../app-context';
import { ErrorNote } from '../../components/ErrorNote';
import { VirtualGrid } from '../../components/VirtualGrid';
import { decodeArrowRows, type Row } from '../../lib/arrow';
import { formatNumber, formatSeconds } from '../../lib/format';

const LIMIT = 100_000;
const EXAMPLE = `-- Read-only DuckDB SQL over the workspace: events, users, sessions, sources.
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

/** A query editor over the workspace; results in the same grid as raw events. */
export function SqlView() {
  const { api, jobs, info } = useApp();
  const [sql, setSql] = useState(EXAMPLE);
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [running, setRunning] = useState<string | null>(null);

  const run = useCallback(async () => {
    setError(null);
    try {
      const result = await jobs.run('running SQL', (options) => {
        setRunning(options.jobId ?? null);
        return api['sql.query']({ sql, limit: LIMIT, format: 'arrow' }, options);
      });
      setAnswer({
        columns: result.columns,
        rows: decodeArrowRows(result.arrow ?? ''),
        truncated: result.truncated,
        seconds: result.seconds,
      });
    } catch (e) {
      setError(e);
    } finally {
      setRunning(null);
    }
  }, [api, jobs, sql]);
  const getRow = useCallback((i: number) => answer?.rows[i], [answer]);

  return (
    <div className="view">
      <header className="view-head">
        <h1>SQL</h1>
        <p className="muted">
          Tables: <code>events</code> ({(info?.properties ?? []).length} columns),{' '}
          <code>users</code>, <code>session_facts</code>, <code>user_days</code>,{' '}
          <code>sources</code>. Read-only; writes need the CLI’s --write.
        </p>
      </header>
      <section className="panel">
        <textarea
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
          rows={8}
        />
        <div className="row">
          <button
            type="button"
            className="primary"
            disabled={running !== null}
            onClick={() => void run()}
          >
            Run <span className="kbd">Ctrl ↵</span>
          </button>
          {running !== null && (
            <button type="button" onClick={() => jobs.cancel(running)}>
              Cancel
            </button>
          )}
          {answer !== null && (
            <span className="muted" data-testid="sql-status">
              {formatNumber(answer.rows.length)} rows
              {answer.truncated ? ` (first ${formatNumber(LIMIT)})` : ''} in{' '}
              {formatSeconds(answer.seconds)}
            </span>
          )}
        </div>
        <ErrorNote error={error} title={failureTitle(error)} preformatted />
      </section>
      {answer !== null && (
        <section className="panel">
          <VirtualGrid
            label="Query result"
            columns={answer.columns}
            rowCount={answer.rows.length}
            getRow={getRow}
            height={420}
          />
        </section>
      )}
    </div>
  );
}

/** "The query failed at line 2" when DuckDB says where. */
function failureTitle(error: unknown): string {
  const line = /LINE (\d+):/.exec(String((error as { message?: string } | null)?.message ?? ''));
  return line === null ? 'The query failed' : `The query failed at line ${line[1] ?? ''}`;
}
