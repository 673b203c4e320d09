import { useEffect, useMemo, useState } from 'react';
import type { SegmentCount } from '../../../../shared/api/segment-types';
import type { SegmentRule } from '../../../../shared/specs/segment';
import { useApp } from '../../app-context';
import { useDebounced } from '../../lib/use-debounced';
import { ruleProblems, type RuleProblem } from './rule-edit';

export type LiveCount =
  | { state: 'incomplete'; problems: RuleProblem[] }
  | { state: 'counting'; last: SegmentCount | null }
  | { state: 'counted'; count: SegmentCount }
  | { state: 'failed'; error: unknown };

/**
 * How many users meet the rule as of the day, asked again once the rule stops changing for a
 * moment (segments.count, nothing saved). A rule the schema refuses is not sent: its problems
 * say what is missing. An answer to an earlier rule is dropped, and its work cancelled.
 */
export function useLiveCount(rule: SegmentRule, asOf: string | undefined): LiveCount {
  const { api } = useApp();
  const key = JSON.stringify({ rule, asOf });
  const settled = useDebounced(key, 350);
  const problems = useMemo(() => ruleProblems(rule), [key]);
  const [answer, setAnswer] = useState<{ key: string; count?: SegmentCount; error?: unknown }>({
    key: '',
  });
  const [last, setLast] = useState<SegmentCount | null>(null);

  useEffect(() => {
    const request = JSON.parse(settled) as { rule: SegmentRule; asOf?: string };
    if (ruleProblems(request.rule).length > 0) return undefined;
    const controller = new AbortController();
    api['segments.count'](
      { rule: request.rule, ...(request.asOf === undefined ? {} : { asOf: request.asOf }) },
      { signal: controller.signal },
    ).then(
      (count) => {
        if (controller.signal.aborted) return;
        setAnswer({ key: settled, count });
        setLast(count);
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setAnswer({ key: settled, error });
      },
    );
    return () => controller.abort();
  }, [api, settled]);

  if (problems.length > 0) return { state: 'incomplete', problems };
  if (answer.key !== key) return { state: 'counting', last };
  if (answer.count !== undefined) return { state: 'counted', count: answer.count };
  return { state: 'failed', error: answer.error };
}
