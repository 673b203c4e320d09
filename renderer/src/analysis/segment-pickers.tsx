import type { ConditionNode } from '../../../shared/specs/common';
import { withOptional } from './spec-edit';
import { Conditions, Field } from './controls';
import { segmentLabel, useSavedSegments, type SegmentOption } from './saved-segments';

/** The saved segments as options, and any picked one that is no longer saved (to unpick it). */
function SegmentOptions({ segments, picked }: { segments: SegmentOption[]; picked: string[] }) {
  const gone = picked.filter((id) => !segments.some((s) => s.id === id));
  return (
    <>
      {gone.map((id) => (
        <option key={id} value={id}>
          A segment no longer saved
        </option>
      ))}
      {segments.map((s) => (
        <option key={s.id} value={s.id}>
          {segmentLabel(s)}
        </option>
      ))}
    </>
  );
}

/** "Only members of": everyone, or one saved segment. */
export function SegmentPicker({
  value,
  onChange,
  help,
}: {
  value: string | undefined;
  onChange: (id: string | undefined) => void;
  help: string;
}) {
  const { segments, reload } = useSavedSegments();
  return (
    <Field label="Only members of" help={help}>
      <select
        aria-label="Only members of"
        value={value ?? ''}
        onFocus={reload}
        onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
      >
        <option value="">Everyone (no segment)</option>
        <SegmentOptions segments={segments} picked={value === undefined ? [] : [value]} />
      </select>
    </Field>
  );
}

/** Several saved segments, side by side. */
export function SegmentsPicker({
  value,
  onChange,
  help,
}: {
  value: string[];
  onChange: (ids: string[]) => void;
  help: string;
}) {
  const { segments, reload } = useSavedSegments();
  if (segments.length === 0 && value.length === 0) return null;
  return (
    <Field label="Split by segments" help={help}>
      <select
        multiple
        aria-label="Split by segments"
        size={Math.min(5, Math.max(2, segments.length))}
        value={value}
        onFocus={reload}
        onChange={(e) => onChange([...e.target.selectedOptions].map((o) => o.value).slice(0, 10))}
      >
        <SegmentOptions segments={segments} picked={value} />
      </select>
    </Field>
  );
}

/**
 * Who of the users a per-user spec keeps: conditions on their properties, and membership of a
 * saved segment (the metrics and thresholds builders).
 */
export function UserFilters<T extends { filters: ConditionNode[]; segment?: string | undefined }>({
  spec,
  onChange,
  segmentHelp,
}: {
  spec: T;
  onChange: (spec: T) => void;
  segmentHelp: string;
}) {
  return (
    <>
      <Conditions
        label="User filters"
        value={spec.filters}
        onChange={(filters) => onChange({ ...spec, filters })}
      />
      <SegmentPicker
        value={spec.segment}
        help={segmentHelp}
        onChange={(id) => onChange(withOptional(spec, 'segment', id))}
      />
    </>
  );
}
