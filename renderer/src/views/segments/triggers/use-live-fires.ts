import { useEffect, useMemo, useState } from 'react';
import type { TriggerRunResult } from '../../../../../shared/specs/trigger';
import { useApp } from '../../../app-context';
import { useDebounced } from '../../../lib/use-debounced';
import { parsedSpec, specProblems } from './trigger-draft';

/** Fired users listed on screen; the downloads ask for everyone. */
export const SHOWN_FIRES = 1_000;

export type LiveFires =
  | { state: 'incomplete'; problems: string[] }
  | { state: 'running'; last: TriggerRunResult | null }
  | { state: 'done'; result: TriggerRunResult }
  | { state: 'failed'; error: unknown };

/**
 * Who the draft fires for as of the day, asked again once it stops changing for a moment
 * (triggers.run, nothing saved). A spec the schema refuses is not sent: its problems say what
 * is missing. An answer to an earlier draft is dropped and its work cancelled.
 */
export function useLiveFires(spec: unknown, asOf: string | undefined): LiveFires {
  const { api, jobs } = useApp();
  const key = JSON.stringify({ spec, asOf });
  const settled = useDebounced(key, 350);
  const problems = useMemo(() => specProblems(spec), [key]);
  const [answer, setAnswer] = useState<{
    key: string;
    result?: TriggerRunResult;
    error?: unknown;
  }>({ key: '' });
  const [last, setLast] = useState<TriggerRunResult | null>(null);

  useEffect(() => {
    const request = JSON.parse(settled) as { spec: unknown; asOf?: string };
    const parsed = parsedSpec(request.spec);
    if (parsed === null) return undefined;
    // A newer draft cancels this one's work in the engine; `current` drops a late answer.
    let jobId: string | undefined;
    let current = true;
    jobs
      .run('finding who the trigger fires for', (o) => {
        jobId = o.jobId;
        return api['triggers.run'](
          {
            spec: parsed,
            limit: SHOWN_FIRES,
            ...(request.asOf === undefined ? {} : { asOf: request.asOf }),
          },
          o,
        );
      })
      .then(
        (result) => {
          if (!current) return;
          setAnswer({ key: settled, result });
          setLast(result);
        },
        (error: unknown) => {
          if (current) setAnswer({ key: settled, error });
        },
      );
    return () => {
      current = false;
      if (jobId !== undefined) jobs.cancel(jobId);
    };
  }, [api, jobs, settled]);

  if (problems.length > 0) return { state: 'incomplete', problems };
  if (answer.key !== key) return { state: 'running', last };
  if (answer.result !== undefined) return { state: 'done', result: answer.result };
  return { state: 'failed', error: answer.error };
}
