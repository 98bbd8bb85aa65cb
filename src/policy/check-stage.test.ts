// Which hours an ingest run compacts: those more than one writer touched.

import { describe, expect, it } from 'vitest';
import { overlappingHours } from './check-stage.js';

describe('overlappingHours', () => {
  it('is empty for one transaction after the hours the table held', () => {
    expect(overlappingHours([[10, 12]], null)).toEqual([]);
    expect(overlappingHours([[10, 12]], 9)).toEqual([]);
  });

  it('names the hours two transactions share, and those the table held before', () => {
    expect(
      overlappingHours(
        [
          [10, 12],
          [12, 14],
        ],
        null,
      ),
    ).toEqual([[12, 12]]);
    expect(overlappingHours([[10, 12]], 11)).toEqual([[10, 11]]);
  });

  it('merges overlapping and touching stretches, in order', () => {
    expect(
      overlappingHours(
        [
          [20, 22],
          [1, 5],
          [4, 8],
          [9, 21],
        ],
        2,
      ),
    ).toEqual([
      [1, 2],
      [4, 5],
      [20, 21],
    ]);
  });
});
