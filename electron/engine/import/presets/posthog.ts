import type { Preset } from './preset';
import { hasColumn, isNested } from './preset';

/**
 * PostHog events export (CSV/JSON, batch exports): event, distinct_id, timestamp, uuid,
 * properties (a JSON object, often a JSON string in CSV), person_id where the export has it.
 * PostHog counts users by person, so person_id wins over distinct_id when present.
 */
export const posthog: Preset = {
  id: 'posthog',
  label: 'PostHog export',
  score(ctx) {
    if (
      !hasColumn(ctx, 'event') ||
      !hasColumn(ctx, 'distinct_id') ||
      !hasColumn(ctx, 'timestamp')
    ) {
      return 0;
    }
    let score = 70;
    if (hasColumn(ctx, 'uuid')) score += 15;
    if (hasColumn(ctx, 'properties')) score += 10;
    if (hasColumn(ctx, 'elements_chain') || hasColumn(ctx, 'person_id')) score += 5;
    return score;
  },
  mapping(ctx) {
    return {
      userId: hasColumn(ctx, 'person_id') ? ['person_id', 'distinct_id'] : ['distinct_id'],
      event: 'event',
      timestamp: 'timestamp',
      insertId: hasColumn(ctx, 'uuid') ? 'uuid' : undefined,
      nested: [
        ...(isNested(ctx, 'properties')
          ? [{ column: 'properties', prefix: '', shape: 'object' as const }]
          : []),
        ...(isNested(ctx, 'person_properties')
          ? [{ column: 'person_properties', prefix: 'person_', shape: 'object' as const }]
          : []),
      ],
      exclude: ['elements_chain', 'elements', 'team_id'],
    };
  },
};
