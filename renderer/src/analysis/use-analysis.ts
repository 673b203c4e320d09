import { useEffect, useRef, useState } from 'react';
import type { AnalysisResult, AnalysisSpec } from '../../../shared/specs/analysis-spec';
import { useApp } from '../app-context';

import { sampledFirst } from '../../../shared/specs/first-answer';
import { incompleteBecause } from './spec-check';

export interface AnalysisState {
  result: AnalysisResult | null;
  /** The spec `result` answers (the chart greys while a newer one runs). */
  answered: AnalysisSpec | null;
  running: boolean;
  /** The shown result is a sampled first answer; the exact one is on its way. */
  sampled: boolean;
  error: unknown;
  seconds: number | null;
  /** Why the spec in the builder cannot run yet (a condition without its property), or null. */
  incomplete: string | null;
}

/**
 * Runs the spec whenever it changes, latest wins: a newer spec cancels the running one (the
 * engine interrupts its query), and the last answer stays on screen, greyed, until the new one.
 */
export function useAnalysis(spec: AnalysisSpec): AnalysisState {
  const { api, jobs, info } = useApp();
  const [state, setState] = useState<AnalysisState>({
    result: null,
    answered: null,
    running: false,
    sampled: false,
    error: null,
    seconds: null,
    incomplete: null,
  });
  const running = useRef<string | null>(null);
  const key = JSON.stringify(spec);

  useEffect(() => {
    let live = true;
    const incomplete = incompleteBecause(spec);
    if (incomplete !== null) {
      // Nothing runs: the last answer stays (greyed) with what the question still lacks.
      if (running.current !== null) jobs.cancel(running.current);
      setState((s) => ({ ...s, running: false, error: null, incomplete }));
      return;
    }
    setState((s) => (s.incomplete === null ? s : { ...s, incomplete: null }));
    const timer = setTimeout(() => {
      if (running.current !== null) jobs.cancel(running.current);
      setState((s) => ({ ...s, running: true, error: null }));
      const first = sampledFirst(spec, info?.events ?? 0);
      const run = async (request: AnalysisSpec, sampled: boolean): Promise<void> => {
        const started = performance.now();
        const result = await jobs.run(
          `${sampled ? 'sampling' : 'running'} ${spec.kind}`,
          (options) => {
            running.current = options.jobId ?? null;
            return api['analysis.run']({ spec: request }, options);
          },
        );
        if (!live) return;
        setState({
          result,
          // The spec really run: a sampled first answer's users are its sample's.
          answered: request,
          running: sampled,
          sampled,
          error: null,
          seconds: (performance.now() - started) / 1000,
          incomplete: null,
        });
      };
      void (async () => {
        try {
          if (first !== null) await run(first, true);
          if (live) await run(spec, false);
        } catch (error) {
          // A cancelled run was replaced by a newer spec: not an error to show.
          if (live && (error as { code?: string }).code !== 'CANCELLED')
            setState((s) => ({ ...s, running: false, error }));
        } finally {
          running.current = null;
        }
      })();
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
    // The spec is compared by value: a new object with the same content is the same question.
  }, [key, api, jobs, info]);

  return state;
}
