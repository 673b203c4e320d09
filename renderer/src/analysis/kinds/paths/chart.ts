import { formatCount, truncateLabel } from '../../../../../shared/format';
import type { PathsResult } from '../../../../../shared/specs/paths';
import { colorOf, escapeHtml, type ChartOption } from '../../chart-parts';

export function pathsOption(r: PathsResult): ChartOption {
  return {
    tooltip: {
      trigger: 'item',
      // Nodes are ids ('2:comment_added'): said as the event and its step, links as a move.
      formatter: (p: {
        dataType?: string;
        data: { source?: string; target?: string; name?: string };
        value: number;
      }) => {
        const node = (id: string | undefined): string => {
          const n = r.nodes.find((x) => x.id === id);
          return n === undefined
            ? escapeHtml(id ?? '')
            : `${escapeHtml(n.event)} (${pathStepWords(r, n.step)})`;
        };
        return p.dataType === 'edge'
          ? `${node(p.data.source)} → ${node(p.data.target)}<br/><b>${formatCount(p.value)}</b> users`
          : `${node(p.data.name)}<br/><b>${formatCount(p.value)}</b> users`;
      },
    },
    series: [
      {
        type: 'sankey',
        left: 8,
        right: 190,
        top: 8,
        bottom: 8,
        nodeGap: 10,
        emphasis: { focus: 'adjacency' },
        lineStyle: { color: 'gradient', opacity: 0.35 },
        label: { fontSize: 11 },
        // One colour per event at every step, so a path can be followed by eye.
        data: r.nodes.map((n) => ({
          name: n.id,
          itemStyle: { color: n.event === '(other)' ? '#a3a3a3' : colorOf(eventIndex(r, n.event)) },
          value: n.users,
          label: { formatter: `${truncateLabel(n.event, 32)} (${formatCount(n.users)})` },
          selection: { kind: 'paths', step: n.step, event: n.event },
        })),
        links: r.links.map((l) => ({ source: l.source, target: l.target, value: l.users })),
      },
    ],
  };
}

/** A node's step in words: the anchor is the start (or the end event), the others count from it. */
export function pathStepWords(r: PathsResult, step: number): string {
  if (step === 0) return r.direction === 'backward' ? 'end' : 'start';
  return step < 0 ? `${-step} before the end` : `step ${step}`;
}

function eventIndex(r: PathsResult, event: string): number {
  const names = [...new Set(r.nodes.map((n) => n.event))].filter((e) => e !== '(other)');
  return names.indexOf(event);
}
