// The bench dataset's records: a seeded estate (accounts, VPCs, a few hundred 10.x /24s, a few
// thousand ENIs, public peers) and one file's lines, written as bytes in any field order. Pure: no
// I/O; the worker (dataset-worker.ts) streams what this writes through gzip.

/** sfc32 seeded through splitmix32: tiny, fast, and the same numbers for the same seed. */
export function rng(seed: number, stream: number): () => number {
  let s = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca6b)) >>> 0;
  const mix = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = mix();
  let b = mix();
  let c = mix();
  let d = mix();
  return () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
}

const int = (r: () => number, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const hex = (r: () => number, n: number): string => {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[Math.floor(r() * 16)];
  return s;
};
const ascii = (s: string): Buffer => Buffer.from(s, 'latin1');

export interface Eni {
  readonly id: Buffer;
  readonly account: Buffer;
  readonly vpc: Buffer;
  readonly subnet: Buffer;
  readonly instance: Buffer;
  readonly az: Buffer;
  readonly ip: number;
}

export interface Peer {
  readonly ip: number;
  /** pkt-*-aws-service of this address, or null */
  readonly service: Buffer | null;
}

export interface Estate {
  readonly accounts: readonly string[];
  /** ENIs by flow log (index = account * 2 + format slot) */
  readonly enisByLog: readonly (readonly Eni[])[];
  readonly allEnis: readonly Eni[];
  readonly publicPeers: readonly Peer[];
}

export const ACCOUNTS = 4;
/** the /24s: 10.26.0-255 and 10.27.0-127, so 10.27.64.0/21 (the bench's CIDR filter) is one VPC */
const SUBNETS_24 = 384;
const ENIS = 3000;
const AZS = ['euw2-az1', 'euw2-az2', 'euw2-az3'];
const PUBLIC: readonly (readonly [string, string | null, number])[] = [
  ['52.95.', 'S3', 600], // S3 eu-west-2
  ['3.5.', 'S3', 200],
  ['18.130.', 'EC2', 300],
  ['35.176.', 'AMAZON', 300],
  ['104.16.', null, 200], // CDNs, SaaS
  ['151.101.', null, 200],
  ['140.82.', null, 200],
];

/** The estate for a seed: every worker builds the same one. */
export function buildEstate(seed: number): Estate {
  const r = rng(seed, 0xe57a7e);
  const accounts = Array.from({ length: ACCOUNTS }, () => String(int(r, 100_000_000_000, 999_999_999_999)));
  // a VPC per /21 (8 /24s); VPC v belongs to account v % 4 and its flow log's format is (v >> 2) & 1
  const vpcs = Array.from({ length: SUBNETS_24 / 8 }, () => ascii(`vpc-${hex(r, 17)}`));
  const subnets = Array.from({ length: SUBNETS_24 }, () => ascii(`subnet-${hex(r, 17)}`));
  const enisByLog: Eni[][] = Array.from({ length: ACCOUNTS * 2 }, () => []);
  const allEnis: Eni[] = [];
  for (let i = 0; i < ENIS; i++) {
    const s24 = int(r, 0, SUBNETS_24 - 1);
    const v = s24 >> 3;
    const third = s24 < 256 ? (26 << 8) | s24 : (27 << 8) | (s24 - 256);
    const eni: Eni = {
      id: ascii(`eni-${hex(r, 17)}`),
      account: ascii(accounts[v % ACCOUNTS] as string),
      vpc: vpcs[v] as Buffer,
      subnet: subnets[s24] as Buffer,
      instance: r() < 0.15 ? ascii('-') : ascii(`i-${hex(r, 17)}`),
      az: ascii(AZS[s24 % 3] as string),
      ip: ((10 << 24) | (third << 8) | int(r, 4, 254)) >>> 0,
    };
    enisByLog[(v % ACCOUNTS) * 2 + ((v >> 2) & 1)]?.push(eni);
    allEnis.push(eni);
  }
  const publicPeers: Peer[] = [];
  for (const [prefix, service, n] of PUBLIC) {
    const [a, b] = prefix.split('.').map(Number) as [number, number];
    for (let i = 0; i < n; i++) {
      publicPeers.push({
        ip: ((a << 24) | (b << 16) | (int(r, 0, 255) << 8) | int(r, 1, 254)) >>> 0,
        service: service === null ? null : ascii(service),
      });
    }
  }
  return { accounts, enisByLog, allEnis, publicPeers };
}
