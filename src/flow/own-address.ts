// Which of a VPC flow log record's two IPv4 addresses is the interface's own. A record is
// captured on an interface, and one of its addresses is that interface's: the source of a flow
// leaving it, the destination of one arriving. The record does not say which (version 2 has no
// flow-direction), so it is told from the interface's rows together: of the two addresses of
// its first row with both, the one more of its rows hold. The batch order (sort-batch.ts) and
// the stage order (stage-order.ts) both use it; native/own-address.h is the same rule.

/**
 * The own address of the interface whose rows are rows[from, to) (in their order), or -1 when
 * none of them has both addresses. `s4` and `d4` give a row's source and destination, -1 for NULL.
 */
export function ownAddress(
  rows: ArrayLike<number>,
  from: number,
  to: number,
  s4: (row: number) => number,
  d4: (row: number) => number,
): number {
  let x = -1;
  let y = -1;
  for (let i = from; i < to && x < 0; i++) {
    const r = rows[i] as number;
    if (s4(r) >= 0 && d4(r) >= 0) {
      x = s4(r);
      y = d4(r);
    }
  }
  if (x < 0) return -1;
  let nx = 0;
  let ny = 0;
  for (let i = from; i < to; i++) {
    const r = rows[i] as number;
    const a = s4(r);
    const c = d4(r);
    if (a === x || c === x) nx++;
    if (a === y || c === y) ny++;
  }
  return nx >= ny ? x : y;
}
