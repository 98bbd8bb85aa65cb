// Byte-level readers for one token `buf[s..e)`: decimal integers, IPv4, IPv6, enum words,
// ASCII hashing. They make no string per token: the text path reads millions of tokens a second.

/** Largest digit count read as a JS number: 15 digits stay below 2^53, so every value is exact. */
export const MAX_NUMBER_DIGITS = 15;

/** The token's decimal value, or -1 when it is empty, has a non-digit, or has more than 15 digits. */
export function scanUint(buf: Uint8Array, s: number, e: number): number {
  if (e <= s || e - s > MAX_NUMBER_DIGITS) return -1;
  let v = 0;
  for (let i = s; i < e; i++) {
    const d = (buf[i] as number) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** True when every byte is a decimal digit (and there is at least one). */
export function allDigits(buf: Uint8Array, s: number, e: number): boolean {
  if (e <= s) return false;
  for (let i = s; i < e; i++) {
    const c = buf[i] as number;
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Dotted IPv4 (four 1-3 digit parts, each <= 255) as an unsigned 32-bit number, or -1. */
export function scanIPv4(buf: Uint8Array, s: number, e: number): number {
  let v = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = s; i < e; i++) {
    const c = buf[i] as number;
    if (c === 46) {
      if (digits === 0 || dots === 3) return -1;
      v = v * 256 + part;
      part = 0;
      digits = 0;
      dots++;
      continue;
    }
    const d = c - 48;
    if (d < 0 || d > 9 || digits === 3) return -1;
    part = part * 10 + d;
    digits++;
    if (part > 255) return -1;
  }
  if (dots !== 3 || digits === 0) return -1;
  return v * 256 + part;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20; // ASCII lower case; only letters a-f pass the test below
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

/** Moves the words after a `::` to the end and zero-fills the gap. */
function expandGap(out: Uint16Array, n: number, gap: number): boolean {
  if (gap < 0) return n === 8;
  if (n > 7) return false;
  const tail = n - gap;
  for (let k = tail - 1; k >= 0; k--) out[8 - tail + k] = out[gap + k] as number;
  for (let k = gap; k < 8 - tail; k++) out[k] = 0;
  return true;
}

/**
 * IPv6 in any RFC 4291 text form (`::`, leading zeros, upper case, a dotted IPv4 tail) into 8
 * big-endian 16-bit words. False when the text is not an IPv6 address (zone ids are not accepted:
 * flow logs never carry them).
 */
export function scanIPv6(buf: Uint8Array, s: number, e: number, out: Uint16Array): boolean {
  if (e - s < 2 || e - s > 45) return false;
  let n = 0;
  let gap = -1;
  let i = s;
  if (buf[i] === 58) {
    if (buf[i + 1] !== 58) return false;
    gap = 0;
    i += 2;
  }
  while (i < e) {
    let j = i;
    let v = 0;
    while (j < e && j - i < 5) {
      const h = hexValue(buf[j] as number);
      if (h < 0) break;
      v = v * 16 + h;
      j++;
    }
    if (j < e && buf[j] === 46) {
      const v4 = scanIPv4(buf, i, e);
      if (v4 < 0 || n > 6) return false;
      out[n++] = v4 >>> 16;
      out[n++] = v4 & 0xffff;
      break;
    }
    if (j === i || j - i > 4 || n === 8) return false;
    out[n++] = v;
    if (j === e) break;
    if (buf[j] !== 58 || j + 1 === e) return false;
    if (buf[j + 1] === 58) {
      if (gap >= 0) return false;
      gap = n;
      i = j + 2;
    } else {
      i = j + 1;
    }
  }
  return expandGap(out, n, gap);
}

/** Lower-case ASCII bytes of each word, for case-insensitive matching without strings. */
export function enumMatcher(values: readonly string[]): (buf: Uint8Array, s: number, e: number) => number {
  const words = values.map((v) => Uint8Array.from(v.toLowerCase(), (ch) => ch.charCodeAt(0)));
  return (buf, s, e) => {
    next: for (let k = 0; k < words.length; k++) {
      const w = words[k] as Uint8Array;
      if (w.length !== e - s) continue;
      for (let i = 0; i < w.length; i++) {
        const c = buf[s + i] as number;
        if ((c >= 65 && c <= 90 ? c + 32 : c) !== w[i]) continue next;
      }
      return k;
    }
    return -1;
  };
}

/** The bytes as a string when they are all ASCII (the caller checked). */
export function asciiString(buf: Uint8Array, s: number, e: number): string {
  let out = '';
  for (let i = s; i < e; i += 4096)
    out += String.fromCharCode.apply(null, buf.subarray(i, Math.min(e, i + 4096)) as unknown as number[]);
  return out;
}

const utf8 = new TextDecoder('utf-8');

/** Any bytes as text; invalid UTF-8 becomes U+FFFD rather than failing the line. */
export function decodeText(buf: Uint8Array, s: number, e: number): string {
  return utf8.decode(buf.subarray(s, e));
}
