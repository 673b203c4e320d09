import type { Preset } from './preset';
import { hasColumn, hasKey, isNested } from './preset';

/**
 * Mixpanel raw event export (NDJSON): {"event": ..., "properties": {"time": epoch seconds,
 * "distinct_id": ..., "$insert_id": ..., ...}}. Mixpanel de-duplicates on $insert_id, so do we.
 */
export const mixpanel: Preset = {
  id: 'mixpanel',
  label: 'Mixpanel raw export',
  score(ctx) {
    if (!hasColumn(ctx, 'event') || !isNested(ctx, 'properties')) return 0;
    if (!hasKey(ctx, 'properties', 'time') || !hasKey(ctx, 'properties', 'distinct_id')) return 0;
    return hasKey(ctx, 'properties', '$insert_id') ? 100 : 95;
  },
  mapping(ctx) {
    return {
      userId: ['properties.distinct_id'],
      event: 'event',
      timestamp: 'properties.time',
      insertId: hasKey(ctx, 'properties', '$insert_id') ? 'properties.$insert_id' : undefined,
      nested: [{ column: 'properties', prefix: '', shape: 'object' }],
    };
  },
};
