// The dashboard's time ranges. "Last 24 h" counts back from the store's last flow, not from the
// clock: a store of past flow logs (the demo, an incident's export) still shows its traffic, and
// the page says which dates it shows. An explicit range is taken as given.

import { UserError } from '../errors.js';
import type { RangeRequest, ResolvedRange } from './dashboard-types.js';

export const RANGE_SPANS: Readonly<Record<'1h' | '24h' | '7d', number>> = {
  '1h': 3600,
  '24h': 86_400,
  '7d': 604_800,
};

/** Bucket widths a time series may use, smallest first. */
const STEPS = [60, 300, 900, 1800, 3600, 10_800, 21_600, 43_200, 86_400] as const;
/** At most this many buckets per chart: a point per ~3 pixels on a wide screen. */
const MAX_BUCKETS = 300;
/** The longest explicit range (a year): longer would make the buckets days wide and slow. */
const MAX_SPAN = 366 * 86_400;

export function stepFor(span: number): number {
  return STEPS.find((s) => span / s <= MAX_BUCKETS) ?? 86_400 * Math.ceil(span / 86_400 / MAX_BUCKETS);
}

/** `last` is the store's last flow end (epoch seconds), or undefined for an empty store. */
export function resolveRange(r: RangeRequest, last: number | undefined, now: () => Date): ResolvedRange {
  if ('last' in r) {
    const span = RANGE_SPANS[r.last];
    // up to the minute after the last flow, so it is inside the range
    const until = (Math.floor((last ?? now().getTime() / 1000) / 60) + 1) * 60;
    return { since: until - span, until, last: r.last, step: stepFor(span) };
  }
  const { since, until } = r;
  if (!Number.isInteger(since) || !Number.isInteger(until) || since < 0 || since >= until) {
    throw new UserError('range.invalid', `the time range ${since} to ${until} is not a range`, {
      hint: 'give since before until, as epoch seconds or ISO-8601 UTC times',
    });
  }
  if (until - since > MAX_SPAN) {
    throw new UserError(
      'range.invalid',
      `the time range is ${Math.round((until - since) / 86_400)} days long`,
      {
        hint: 'choose at most 366 days',
      },
    );
  }
  return { since, until, step: stepFor(until - since) };
}

/** Every bucket start of a range, for a chart with no gaps. */
export function bucketsOf(r: ResolvedRange): number[] {
  const out: number[] = [];
  for (let t = Math.floor(r.since / r.step) * r.step; t < r.until; t += r.step) out.push(t);
  return out;
}
