import type { Preset } from './preset';
import { findColumn, isNested } from './preset';

/**
 * Segment track calls as written by its S3 / warehouse exports: event, userId falling back to
 * anonymousId, timestamp (ISO 8601, Z), messageId (Segment's de-duplication key), properties and
 * context. Warehouse tables spell the same columns in snake_case.
 */
export const segment: Preset = {
  id: 'segment',
  label: 'Segment export',
  score(ctx) {
    const user = findColumn(ctx, ['userId', 'anonymousId']);
    const ts = findColumn(ctx, ['timestamp']);
    if (user === undefined || ts === undefined) return 0;
    const hasMessageId = findColumn(ctx, ['messageId']) !== undefined;
    const hasAnonymous = findColumn(ctx, ['anonymousId']) !== undefined;
    if (!hasMessageId && !hasAnonymous) return 0;
    return 60 + (hasMessageId ? 20 : 0) + (hasAnonymous ? 15 : 0);
  },
  mapping(ctx) {
    const type = findColumn(ctx, ['type']);
    const event = findColumn(ctx, ['event']);
    return {
      userId: ['userId', 'anonymousId']
        .map((c) => findColumn(ctx, [c]))
        .filter((c): c is string => c !== undefined),
      event,
      // Page and screen calls carry no event name; analysts know them under these names.
      eventRules:
        type === undefined
          ? []
          : [
              { column: type, op: 'equals', value: 'page', event: 'Page Viewed' },
              { column: type, op: 'equals', value: 'screen', event: 'Screen Viewed' },
            ],
      timestamp: findColumn(ctx, ['timestamp']) ?? 'timestamp',
      insertId: findColumn(ctx, ['messageId']),
      nested: [
        ...(isNested(ctx, 'properties')
          ? [{ column: 'properties', prefix: '', shape: 'object' as const }]
          : []),
        ...(isNested(ctx, 'context')
          ? [{ column: 'context', prefix: 'context_', shape: 'object' as const }]
          : []),
      ],
      exclude: ['integrations', '_metadata'],
    };
  },
};
