import { useState } from 'react';
import { AnalysisView } from '../../analysis/AnalysisView';
import './metrics.css';

/** The two analyses of the view, each with its own builder, saves and users behind numbers. */
export const METRICS_TABS = [
  ['metrics', 'Per-user metrics'],
  ['thresholds', 'Threshold benchmarks'],
] as const;
type Tab = (typeof METRICS_TABS)[number][0];

const TAB_KEY = 'workbench.metrics.tab';

function initialTab(): Tab {
  try {
    return localStorage.getItem(TAB_KEY) === 'thresholds' ? 'thresholds' : 'metrics';
  } catch {
    return 'metrics';
  }
}

/**
 * Metrics & Thresholds: the per-user metrics table (each user's behaviour over a window, its
 * distributions) and the threshold benchmarks (which levels of it separate retained from
 * churned new users). Each tab is an analysis view of its kind, kept as it was when switched.
 */
export function MetricsView() {
  const [tab, setTab] = useState<Tab>(initialTab);
  // A tab's analysis first runs when it is first opened, then stays as it was.
  const [opened, setOpened] = useState<ReadonlySet<Tab>>(() => new Set([tab]));
  const choose = (next: Tab): void => {
    setTab(next);
    setOpened((o) => new Set([...o, next]));
    try {
      localStorage.setItem(TAB_KEY, next);
    } catch {
      // Storage blocked: the tab is not remembered, nothing else is lost.
    }
  };
  return (
    <div className="metrics-view">
      <div
        className="tabs"
        role="tablist"
        aria-label="Metrics & Thresholds"
        onKeyDown={(e) => {
          // Arrow keys move between tabs, as in any tab list.
          if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
          const i = METRICS_TABS.findIndex(([id]) => id === tab);
          const next = METRICS_TABS[(i + (e.key === 'ArrowRight' ? 1 : -1) + 2) % 2]?.[0];
          if (next === undefined) return;
          choose(next);
          document.getElementById(`tab-${next}`)?.focus();
        }}
      >
        {METRICS_TABS.map(([id, label]) => (
          <button
            key={id}
            type="button"
            role="tab"
            id={`tab-${id}`}
            aria-selected={tab === id}
            aria-controls={`panel-${id}`}
            tabIndex={tab === id ? 0 : -1}
            className={`tab${tab === id ? ' selected' : ''}`}
            onClick={() => choose(id)}
          >
            {label}
          </button>
        ))}
      </div>
      {METRICS_TABS.filter(([id]) => opened.has(id)).map(([id]) => (
        // Opened tabs stay mounted: switching back shows the answer on screen, not a rerun.
        <div
          key={id}
          role="tabpanel"
          id={`panel-${id}`}
          aria-labelledby={`tab-${id}`}
          hidden={tab !== id}
        >
          <AnalysisView kind={id} />
        </div>
      ))}
    </div>
  );
}
