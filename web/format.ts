// Numbers and times as people read them: 1.2 GB, 3.4 M, 12.5%, 2026-11-02 10:00 UTC.

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];

export function bytes(n: number): string {
  let x = n;
  let i = 0;
  while (Math.abs(x) >= 1000 && i < UNITS.length - 1) {
    x /= 1000;
    i++;
  }
  return i === 0 ? `${n} B` : `${x.toFixed(1)} ${UNITS[i]}`;
}

export function count(n: number): string {
  if (Math.abs(n) < 10_000) return n.toLocaleString('en-US');
  const [d, s] = Math.abs(n) >= 1e9 ? [1e9, 'G'] : Math.abs(n) >= 1e6 ? [1e6, 'M'] : [1e3, 'k'];
  return `${(n / d).toFixed(1)} ${s}`;
}

export function metric(by: string, n: number): string {
  return by === 'bytes' ? bytes(n) : count(n);
}

export function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

/** Epoch seconds -> `2026-11-02 10:00` (UTC). */
export function time(epoch: number, seconds = false): string {
  const iso = new Date(epoch * 1000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, seconds ? 19 : 16)}`;
}

/** Epoch seconds -> the value of an <input type="datetime-local"> (UTC). */
export function localInput(epoch: number): string {
  return new Date(epoch * 1000).toISOString().slice(0, 16);
}

/** Tooltips are HTML: labels come from flow logs and policies, so they are escaped. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
