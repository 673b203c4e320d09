import { useCallback, useEffect, useState } from 'react';
import { useApp } from '../app-context';

export interface SegmentOption {
  id: string;
  name: string;
  members: number | null;
}

/**
 * The workspace's saved segments (static and dynamic), read again when a picker is focused: a
 * segment saved from a number a moment ago is there without a reload.
 */
export function useSavedSegments(): { segments: SegmentOption[]; reload: () => void } {
  const { api } = useApp();
  const [segments, setSegments] = useState<SegmentOption[]>([]);
  const reload = useCallback(() => {
    void api['segments.list']({})
      .then((all) => setSegments(all.map((s) => ({ id: s.id, name: s.name, members: s.members }))))
      .catch(() => undefined);
  }, [api]);
  useEffect(reload, [reload]);
  return { segments, reload };
}

export const segmentLabel = (s: SegmentOption): string =>
  s.members === null ? s.name : `${s.name} (${s.members.toLocaleString('en-US')} users)`;
