import { useEffect, useMemo, useState } from 'react';
import type { CallOptions } from '../../../../../shared/api/contract';
import type { ScoreSpec } from '../../../../../shared/specs/score';
import { useApp } from '../../../app-context';
import { useDebounced } from '../../../lib/use-debounced';
import { parsedSpec, specProblems } from './score-draft';

/** Users listed in the lowest-scoring table. */
export const SHOWN_USERS = 100;
/** Weeks of the history chart. */
export const HISTORY_WEEKS = 12;

export type Live<T> =
  | { state: 'incomplete'; problems: string[] }
  | { state: 'running'; last: T | null }
  | { state: 'done'; value: T }
  | { state: 'failed'; error: unknown };

/**
 * An engine answer about the spec, asked again once the spec stops changing for a moment. A
 * spec the schema refuses is not sent: its problems say what is missing. An answer to an
 * earlier spec is dropped, and its work cancelled in the engine.
 */
function useLive<T, R extends { spec: ScoreSpec }>(
  request: R,
  label: string,
  call: (request: R & { spec: ScoreSpec }, options: CallOptions) => Promise<T>,
  delay: number,
): Live<T> {
  const { jobs } = useApp();
  const key = JSON.stringify(request);
  const settled = useDebounced(key, delay);
  const problems = useMemo(() => specProblems((JSON.parse(key) as R).spec), [key]);
  const [answer, setAnswer] = useState<{ key: string; value?: T; error?: unknown }>({ key: '' });
  const [last, setLast] = useState<T | null>(null);

  useEffect(() => {
    const asked = JSON.parse(settled) as R;
    const parsed = parsedSpec(asked.spec);
    if (parsed === null) return undefined;
    let jobId: string | undefined;
    let current = true;
    jobs
      .run(label, (o) => {
        jobId = o.jobId;
        return call({ ...asked, spec: parsed }, o);
      })
      .then(
        (value) => {
          if (!current) return;
          setAnswer({ key: settled, value });
          setLast(value);
        },
        (error: unknown) => {
          if (current) setAnswer({ key: settled, error });
        },
      );
    return () => {
      current = false;
      if (jobId !== undefined) jobs.cancel(jobId);
    };
    // `call` is a new function every render; what it asks depends only on the settled request.
  }, [jobs, settled, label]);

  if (problems.length > 0) return { state: 'incomplete', problems };
  if (answer.key !== key) return { state: 'running', last };
  if (answer.value !== undefined) return { state: 'done', value: answer.value };
  return { state: 'failed', error: answer.error };
}

/** Every user's score as the spec is edited (scores.run, nothing saved). */
export function useScoreRun(spec: ScoreSpec) {
  const { api } = useApp();
  return useLive(
    { spec },
    'scoring the users',
    (r, o) => api['scores.run']({ spec: r.spec, limit: SHOWN_USERS }, o),
    400,
  );
}

/**
 * The score week by week for 12 weeks (scores.history), with one user's own when one is
 * followed; asked a moment after the run, which the analyst waits for first.
 */
export function useScoreHistory(spec: ScoreSpec, userId: string | null) {
  const { api } = useApp();
  return useLive(
    { spec, userId },
    'scoring week by week',
    (r, o) =>
      api['scores.history'](
        { spec: r.spec, weeks: HISTORY_WEEKS, ...(r.userId === null ? {} : { userId: r.userId }) },
        o,
      ),
    700,
  );
}
