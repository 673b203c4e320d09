import type { SegmentCondition } from '../../../shared/specs/common';
import { segmentLabel, useSavedSegments } from './saved-segments';

/** A filter row "in / not in <saved segment>": any analysis narrowed to a segment's members. */
export function SegmentConditionRow({
  condition,
  onChange,
  onRemove,
}: {
  condition: SegmentCondition;
  onChange: (c: SegmentCondition) => void;
  onRemove: () => void;
}) {
  const { segments, reload } = useSavedSegments();
  const known = segments.some((s) => s.id === condition.segment);
  return (
    <div className="condition">
      <select
        aria-label="Segment membership"
        value={condition.op}
        onChange={(e) => onChange({ ...condition, op: e.target.value === 'in' ? 'in' : 'not in' })}
      >
        <option value="in">in segment</option>
        <option value="not in">not in segment</option>
      </select>
      <select
        aria-label="Segment"
        value={condition.segment}
        onFocus={reload}
        onChange={(e) => onChange({ ...condition, segment: e.target.value })}
      >
        {!known && <option value={condition.segment}>pick a segment…</option>}
        {segments.map((s) => (
          <option key={s.id} value={s.id}>
            {segmentLabel(s)}
          </option>
        ))}
      </select>
      <button
        type="button"
        className="ghost small"
        aria-label="Remove condition"
        onClick={onRemove}
      >
        ✕
      </button>
    </div>
  );
}
