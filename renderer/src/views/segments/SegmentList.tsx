import { useState } from 'react';
import { RenameForm, RowActions } from './row-actions';
import type { SegmentInfo } from '../../../../shared/api/segment-types';
import { formatCount } from '../../../../shared/format';
import { computedWords, sharePercent } from './segment-words';

/**
 * Every saved segment, static and dynamic together: size (and share of the population for a
 * rule's members), the day they were evaluated as of, the definition in words, when computed.
 * A row opens the segment; rename, duplicate and delete act on it in place.
 */
export function SegmentList({
  segments,
  selected,
  onSelect,
  onRename,
  onDuplicate,
  onDelete,
}: {
  segments: SegmentInfo[];
  selected: string | null;
  onSelect: (id: string) => void;
  onRename: (id: string, name: string) => Promise<void>;
  onDuplicate: (id: string) => Promise<void>;
  onDelete: (id: string) => Promise<void>;
}) {
  if (segments.length === 0)
    return (
      <p className="muted segments-empty">
        No segment is saved yet. Start a new one from a rule or a template, or save the users behind
        a number of any analysis.
      </p>
    );
  return (
    <div className="scroll-box segment-list">
      <table className="table compact" aria-label="Saved segments">
        <thead>
          <tr>
            <th>Name</th>
            <th>Kind</th>
            <th className="num">Members</th>
            <th className="num">Share</th>
            <th>As of</th>
            <th>Definition</th>
            <th>Computed</th>
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {segments.map((s) => (
            <SegmentRow
              key={s.id}
              segment={s}
              selected={s.id === selected}
              onSelect={() => onSelect(s.id)}
              onRename={(name) => onRename(s.id, name)}
              onDuplicate={() => onDuplicate(s.id)}
              onDelete={() => onDelete(s.id)}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function SegmentRow({
  segment: s,
  selected,
  onSelect,
  onRename,
  onDuplicate,
  onDelete,
}: {
  segment: SegmentInfo;
  selected: boolean;
  onSelect: () => void;
  onRename: (name: string) => Promise<void>;
  onDuplicate: () => Promise<void>;
  onDelete: () => Promise<void>;
}) {
  const [naming, setNaming] = useState(false);
  const [busy, setBusy] = useState(false);
  const act = (work: () => Promise<void>): void => {
    setBusy(true);
    void work().finally(() => setBusy(false));
  };
  return (
    <tr
      className={`segment-row${selected ? ' selected' : ''}`}
      data-segment={s.id}
      aria-selected={selected}
    >
      <td>
        <div className="segment-name">
          {!naming ? (
            <button type="button" className="link" onClick={onSelect} title="Open the segment">
              {s.name}
            </button>
          ) : (
            <RenameForm
              name={s.name}
              busy={busy}
              onRename={(name) => act(() => onRename(name).then(() => setNaming(false)))}
              onDone={() => setNaming(false)}
            />
          )}
          {s.small && (
            <span
              className="badge warn"
              title="Fewer than 30 members: comparisons with them say more about chance than about the segment."
            >
              small
            </span>
          )}
          {s.stale && (
            <span
              className="badge stale-badge"
              title="Computed on other data than the workspace holds now: refresh it."
            >
              stale
            </span>
          )}
        </div>
      </td>
      <td>
        <span className="tag">{s.type}</span>
      </td>
      <td className="num" data-testid="segment-members">
        {s.members === null ? '–' : formatCount(s.members)}
      </td>
      <td className="num">
        {s.members === null || s.population === null ? '–' : sharePercent(s.members, s.population)}
      </td>
      <td>{s.asOf ?? <span className="muted">fixed list</span>}</td>
      <td title={s.definition}>
        <div className="segment-definition">{s.definition}</div>
      </td>
      <td className="muted" title={computedWords(s.computedAt, s.seconds)}>
        {computedWords(s.computedAt, null)}
      </td>
      <td className="segment-actions">
        <RowActions
          name={s.name}
          busy={busy}
          onRename={() => setNaming(true)}
          onDelete={() => new Promise<void>((resolve) => act(() => onDelete().finally(resolve)))}
        >
          <button
            type="button"
            className="small ghost"
            aria-label={`Duplicate ${s.name}`}
            disabled={busy}
            onClick={() => act(onDuplicate)}
          >
            Duplicate
          </button>
        </RowActions>
      </td>
    </tr>
  );
}
