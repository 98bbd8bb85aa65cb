// Which hours an ingest run compacts: those more than one writer touched.

import { describe, expect, it } from 'vitest';
import { duckdbDialect, render } from '../sql/index.js';
import { edgesWhere, overlappingHours } from './check-stage.js';

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

describe('edgesWhere', () => {
  // the range starts 474 s into hour H; the table gives hours from H + 1; an exception expires in
  // hour H, so H is "missing" from the table: its flows must still be read from `since` only, once
  const H = 499_874;
  const since = H * 3600 + 474;
  const spans = (missing: readonly (readonly [number, number])[], until?: number) => {
    const r = render(
      edgesWhere(
        { since, ...(until === undefined ? {} : { until }) },
        { from: H + 1, ...(until === undefined ? {} : { to: Math.floor(until / 3600) }), missing },
      ),
      duckdbDialect,
    );
    return r.params;
  };

  it('reads a missing hour that is the partial first hour from the range start only, once', () => {
    expect(spans([[H, H]])).toEqual([since, (H + 1) * 3600]);
  });

  it('reads a missing whole hour whole, clipped to the whole hours', () => {
    expect(spans([[H, H + 2]])).toEqual([since, (H + 1) * 3600, (H + 1) * 3600, (H + 3) * 3600]);
    expect(spans([[H + 4, H + 9]], (H + 6) * 3600)).toEqual([
      since,
      (H + 1) * 3600,
      (H + 4) * 3600,
      (H + 6) * 3600,
    ]);
  });
});
