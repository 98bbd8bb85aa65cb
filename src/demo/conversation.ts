// Shapes of single conversations: ports, sizes, TCP flags and timing inside the 60 s
// aggregation window, plus the activity curve (production busy all day, non-production
// asleep at night and at weekends) that decides how much traffic a VPC makes in a minute.

import type { Conversation } from './paths.js';
import type { Env } from './platform.js';
import type { Rng } from './prng.js';
import type { Eni, Vpc } from './topology.js';

export const TCP = 6;
export const UDP = 17;

export interface Shape {
  readonly proto?: number;
  readonly dport: number;
  /** request packets [lo, hi] (log-uniform) and bytes per packet [lo, hi] */
  readonly req: readonly [number, number];
  readonly reqSize: readonly [number, number];
  /** reply packets; [0, 0] for no reply */
  readonly rep: readonly [number, number];
  readonly repSize: readonly [number, number];
  readonly action?: 'ACCEPT' | 'REJECT';
  /** fixed TCP flags (request, reply) instead of a drawn pair */
  readonly flags?: readonly [number, number];
}

// Client/server flag pairs a 60 s window sees: opened and closed, opened only, mid-stream, closing.
const FLAG_PAIRS: readonly (readonly [number, number])[] = [
  [3, 19],
  [3, 19],
  [3, 19],
  [2, 18],
  [0, 0],
  [0, 0],
  [1, 1],
];

/** One conversation starting inside the minute at `window` (epoch seconds). */
export function conversation(rng: Rng, window: number, s: Shape): Conversation {
  const proto = s.proto ?? TCP;
  const a = rng.int(0, 57);
  const start = window + a;
  const end = Math.min(window + 59, start + rng.logInt(1, 59 - a));
  const reqPackets = rng.logInt(s.req[0], s.req[1]);
  const repPackets = s.rep[1] === 0 ? 0 : rng.logInt(s.rep[0], s.rep[1]);
  const [reqFlags, repFlags] = proto !== TCP ? [0, 0] : (s.flags ?? rng.pick(FLAG_PAIRS));
  return {
    proto,
    cport: rng.int(32768, 65535),
    sport: s.dport,
    reqPackets,
    reqBytes: reqPackets * rng.int(s.reqSize[0], s.reqSize[1]),
    repPackets,
    repBytes: repPackets * rng.int(s.repSize[0], s.repSize[1]),
    reqFlags,
    repFlags: repPackets === 0 ? 0 : repFlags,
    action: s.action ?? 'ACCEPT',
    start,
    end,
  };
}

/** 1 in office hours (UTC, which is UK time in November), 0.5 on the shoulders, 0 at night. */
function daylight(hour: number): number {
  if (hour >= 8 && hour < 18) return 1;
  return hour === 7 || hour === 18 || hour === 19 ? 0.5 : 0;
}

/** How busy a VPC of this environment is at an hour (0..1). */
export function activity(env: Env | null, hour: number, weekend: boolean): number {
  const d = daylight(hour) * (weekend ? 0.05 : 1);
  switch (env) {
    case null:
    case 'production':
      return 0.4 + 0.6 * daylight(hour) * (weekend ? 0.5 : 1);
    case 'preproduction':
      return 0.15 + 0.85 * d;
    case 'development':
    case 'test':
      return 0.03 + 0.97 * d;
    case 'sandbox':
      return 0.02 + 0.98 * d;
    default: {
      const never: never = env;
      return never;
    }
  }
}

/** A running application host: non-production hosts stop out of hours except the always-on few. */
export function runningApp(rng: Rng, vpc: Vpc, awake: boolean): Eni {
  const apps = vpc.byRole.app;
  if (awake) return rng.pick(apps);
  return rng.pick(apps.filter((a) => a.alwaysOn));
}

/** Is the VPC's estate awake at this hour (production always is)? */
export function isAwake(env: Env | null, hour: number, weekend: boolean): boolean {
  if (env === null || env === 'production' || env === 'preproduction') return true;
  return !weekend && daylight(hour) > 0;
}
