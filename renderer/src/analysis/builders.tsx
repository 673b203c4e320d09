import type { ComponentType } from 'react';
import type { AnalysisSpec } from '../../../shared/specs/analysis-spec';
import { KIND_VIEWS } from './kinds';

/** The builder of any spec: each kind edits its own fields; every change is a new spec. */
export function Builder({
  spec,
  onChange,
}: {
  spec: AnalysisSpec;
  onChange: (spec: AnalysisSpec) => void;
}) {
  if (spec.kind === 'eventTypes') return null;
  // The registry pairs each kind with its builder; the cast only forgets which kind it is.
  const KindBuilder = KIND_VIEWS[spec.kind].Builder as ComponentType<{
    spec: AnalysisSpec;
    onChange: (spec: AnalysisSpec) => void;
  }>;
  return <KindBuilder spec={spec} onChange={onChange} />;
}
