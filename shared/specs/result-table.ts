import type { AnalysisResult, ResultTable } from './analysis-spec';

/** Any analysis result as one table: what CSV export and grids show, column for column. */
export function resultTable(result: AnalysisResult): ResultTable {
  switch (result.kind) {
    case 'eventTypes':
      return {
        columns: ['event', 'events', 'users', 'firstSeen', 'lastSeen'],
        rows: result.rows,
      };
  }
}
