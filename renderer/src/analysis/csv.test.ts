import { describe, expect, it } from 'vitest';
import { toCsv } from './csv';

describe('CSV', () => {
  it('quotes what needs quoting and leaves nulls empty', () => {
    expect(
      toCsv({
        columns: ['cohort', 'size', '0'],
        rows: [
          { cohort: '2024-01-01', size: 3, 0: 1 },
          { cohort: 'a, "b"', size: null, 0: 0.5 },
        ],
      }),
    ).toBe('cohort,size,0\n2024-01-01,3,1\n"a, ""b""",,0.5\n');
  });
});
