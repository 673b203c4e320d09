import type { ViewDef } from './views';

/** A view not built yet: what it will do, and nothing pretending to be a result. */
export function Placeholder({ view }: { view: ViewDef }) {
  return (
    <div className="placeholder-view">
      <h1>{view.label}</h1>
      <p className="lead">{view.about}</p>
      <p className="muted">
        This view is not built yet. Nothing here is a number from your data; the engine’s analyses
        already run from the command line (<code>npx workbench run spec.json</code>, see
        docs/specs).
      </p>
    </div>
  );
}
