// One bench file's lines: draws each record from the estate (dataset-records.ts) into a scratch
// object, then writes it as bytes in the file's field order (header first), with totals so the
// manifest can check an ingest. The writers are keyed by AWS field name, so the header and the
// lines can never disagree.

import { type Eni, type Estate, type Peer, rng } from './dataset-records.js';

export interface FileSpec {
  readonly key: string;
  /** the AWS field names in order: the header line */
  readonly fields: readonly string[];
  readonly version: number;
  /** index into Estate.enisByLog */
  readonly log: number;
  readonly records: number;
  /** flows start in [start, start + span) epoch seconds */
  readonly start: number;
  readonly span: number;
  readonly seed: number;
  readonly stream: number;
}

export interface FileTotals {
  records: number;
  ok: number;
  nodata: number;
  skipdata: number;
  reject: number;
  bytes: number;
  packets: number;
}

const OK = 0;
const NODATA = 1;
const SKIPDATA = 2;

interface Rec {
  version: number;
  eni: Eni;
  status: number;
  src: number;
  dst: number;
  pktSrc: number;
  pktDst: number;
  sport: number;
  dport: number;
  proto: number;
  packets: number;
  bytes: number;
  start: number;
  end: number;
  reject: boolean;
  flags: number;
  egress: boolean;
  path: number;
  srcSvc: Buffer | null;
  dstSvc: Buffer | null;
}

/** A growing line buffer that hands out full chunks. */
class Out {
  buf = Buffer.allocUnsafe(1 << 20);
  pos = 0;
  bytes(b: Uint8Array): void {
    // a byte loop beats TypedArray.set for the short words written here
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < b.length; i++) buf[p++] = b[i] as number;
    this.pos = p;
  }
  num(n: number): void {
    if (n < 10) {
      this.buf[this.pos++] = 48 + n;
      return;
    }
    let len = 1;
    for (let x = n; x >= 10; x = Math.floor(x / 10)) len++;
    let p = this.pos + len;
    this.pos = p;
    for (let x = n; p > this.pos - len; x = Math.floor(x / 10)) this.buf[--p] = 48 + (x % 10);
  }
  ip(a: number): void {
    this.num(a >>> 24);
    this.buf[this.pos++] = 46;
    this.num((a >>> 16) & 255);
    this.buf[this.pos++] = 46;
    this.num((a >>> 8) & 255);
    this.buf[this.pos++] = 46;
    this.num(a & 255);
  }
  /** the filled part, and a fresh buffer (gzip may still hold the old one) */
  take(): Buffer {
    const full = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafe(1 << 20);
    this.pos = 0;
    return full;
  }
}

const B = (s: string): Buffer => Buffer.from(s, 'latin1');
const DASH = B('-');
const WORDS = {
  ACCEPT: B('ACCEPT'),
  REJECT: B('REJECT'),
  status: [B('OK'), B('NODATA'), B('SKIPDATA')],
  IPv4: B('IPv4'),
  region: B('eu-west-2'),
  ingress: B('ingress'),
  egress: B('egress'),
};

type Writer = (o: Out, r: Rec) => void;
const ok =
  (f: Writer): Writer =>
  (o, r) =>
    r.status === OK ? f(o, r) : o.bytes(DASH);

/** How each AWS field is written; a field missing here fails the plan, not the data. */
export const WRITERS: Readonly<Record<string, Writer>> = {
  version: (o, r) => o.num(r.version),
  'account-id': (o, r) => o.bytes(r.eni.account),
  'interface-id': (o, r) => o.bytes(r.eni.id),
  srcaddr: ok((o, r) => o.ip(r.src)),
  dstaddr: ok((o, r) => o.ip(r.dst)),
  srcport: ok((o, r) => o.num(r.sport)),
  dstport: ok((o, r) => o.num(r.dport)),
  protocol: ok((o, r) => o.num(r.proto)),
  packets: ok((o, r) => o.num(r.packets)),
  bytes: ok((o, r) => o.num(r.bytes)),
  start: (o, r) => o.num(r.start),
  end: (o, r) => o.num(r.end),
  action: ok((o, r) => o.bytes(r.reject ? WORDS.REJECT : WORDS.ACCEPT)),
  'log-status': (o, r) => o.bytes(WORDS.status[r.status] as Buffer),
  'vpc-id': (o, r) => o.bytes(r.eni.vpc),
  'subnet-id': (o, r) => o.bytes(r.eni.subnet),
  'instance-id': (o, r) => o.bytes(r.eni.instance),
  'tcp-flags': ok((o, r) => o.num(r.flags)),
  type: ok((o) => o.bytes(WORDS.IPv4)),
  'pkt-srcaddr': ok((o, r) => o.ip(r.pktSrc)),
  'pkt-dstaddr': ok((o, r) => o.ip(r.pktDst)),
  region: (o) => o.bytes(WORDS.region),
  'az-id': (o, r) => o.bytes(r.eni.az),
  'sublocation-type': (o) => o.bytes(DASH),
  'sublocation-id': (o) => o.bytes(DASH),
  'pkt-src-aws-service': (o, r) => o.bytes(r.status === OK && r.srcSvc !== null ? r.srcSvc : DASH),
  'pkt-dst-aws-service': (o, r) => o.bytes(r.status === OK && r.dstSvc !== null ? r.dstSvc : DASH),
  'flow-direction': ok((o, r) => o.bytes(r.egress ? WORDS.egress : WORDS.ingress)),
  'traffic-path': (o, r) => (r.status === OK && r.egress ? o.num(r.path) : o.bytes(DASH)),
};

/** Server ports by weight: 443 first, databases (5432, 1521, 3306 ...), then the long tail. */
const PORTS: readonly number[] = (
  [
    [443, 40],
    [5432, 8],
    [1521, 5],
    [80, 6],
    [22, 4],
    [3306, 4],
    [6379, 4],
    [8080, 5],
    [53, 6],
    [123, 2],
    [3389, 2],
    [9092, 3],
    [27017, 2],
    [8443, 4],
    [445, 2],
    [2049, 3],
  ] as const
).flatMap(([port, w]) => Array<number>(w).fill(port));
const FLAGS = [3, 19, 19, 27, 2, 18, 1, 0, 4, 19];

/** Draws one record into `r` (reused: no allocation per record). */
function draw(g: () => number, est: Estate, enis: readonly Eni[], r: Rec, spec: FileSpec): void {
  r.eni = enis[Math.floor(enis.length * g() * g())] as Eni; // skewed: a few busy interfaces
  const u = g();
  r.status = u < 0.008 ? NODATA : u < 0.01 ? SKIPDATA : OK;
  r.start = spec.start + Math.floor(g() * spec.span);
  r.end = r.start + Math.floor(g() * 60);
  if (r.status !== OK) return;
  const kind = g();
  const scan = kind >= 0.96;
  const peer: Peer | null =
    kind < 0.7 ? null : scan ? null : (est.publicPeers[Math.floor(g() * est.publicPeers.length)] as Peer);
  const peerIp =
    kind < 0.7
      ? (est.allEnis[Math.floor(est.allEnis.length * g() * g())] as Eni).ip
      : peer !== null
        ? peer.ip
        : internetAddress(g);
  r.egress = scan ? false : g() < 0.5;
  let port = PORTS[Math.floor(g() * PORTS.length)] as number;
  r.proto = port === 53 || port === 123 ? 17 : 6;
  if (g() < 0.02) [r.proto, port] = [1, 0];
  const eniIsClient = !scan && g() < 0.5;
  const ephemeral = r.proto === 1 ? 0 : 32768 + Math.floor(g() * 28232);
  const [eniPort, peerPort] = eniIsClient ? [ephemeral, port] : [port, ephemeral];
  r.src = r.egress ? r.eni.ip : peerIp;
  r.dst = r.egress ? peerIp : r.eni.ip;
  r.sport = r.egress ? eniPort : peerPort;
  r.dport = r.egress ? peerPort : eniPort;
  r.pktSrc = r.src;
  r.pktDst = r.dst;
  if (kind < 0.7 && !r.egress && g() < 0.05)
    r.pktSrc = (est.allEnis[Math.floor(g() * est.allEnis.length)] as Eni).ip;
  r.srcSvc = r.egress ? null : (peer?.service ?? null);
  r.dstSvc = r.egress ? (peer?.service ?? null) : null;
  r.reject = scan ? g() < 0.85 : g() < 0.03;
  r.packets = r.reject ? 1 + Math.floor(g() * 3) : Math.floor(Math.exp(g() * Math.log(50_000))) || 1;
  r.bytes = r.packets * (r.reject ? 40 + Math.floor(g() * 21) : 52 + Math.floor(g() * 1449));
  r.flags = r.proto !== 6 ? 0 : r.reject ? 2 : (FLAGS[Math.floor(g() * FLAGS.length)] as number);
  r.path = kind < 0.7 ? 1 : g() < 0.5 ? 8 : 2;
}

/** a scanner somewhere on the internet: first octet 11-223, so never 10.x nor multicast */
const internetAddress = (g: () => number): number =>
  (((11 + Math.floor(g() * 213)) << 24) | Math.floor(g() * 16777216)) >>> 0;

/** Writes the file's header and records through `emit` (awaited: backpressure); returns totals. */
export async function writeFileLines(
  spec: FileSpec,
  est: Estate,
  emit: (chunk: Buffer) => unknown,
): Promise<FileTotals> {
  const writers = spec.fields.map((f) => {
    const w = WRITERS[f];
    if (w === undefined) throw new Error(`the bench generator cannot write field '${f}'`);
    return w;
  });
  const enis = est.enisByLog[spec.log] ?? [];
  if (enis.length === 0) throw new Error(`flow log ${spec.log} has no interfaces`);
  const g = rng(spec.seed, spec.stream);
  const t: FileTotals = {
    records: spec.records,
    ok: 0,
    nodata: 0,
    skipdata: 0,
    reject: 0,
    bytes: 0,
    packets: 0,
  };
  const r = { version: spec.version } as Rec;
  const o = new Out();
  o.bytes(B(`${spec.fields.join(' ')}\n`));
  for (let i = 0; i < spec.records; i++) {
    draw(g, est, enis, r, spec);
    for (let j = 0; j < writers.length; j++) {
      if (j > 0) o.buf[o.pos++] = 32;
      (writers[j] as Writer)(o, r);
    }
    o.buf[o.pos++] = 10;
    if (r.status === OK) {
      t.ok++;
      t.bytes += r.bytes;
      t.packets += r.packets;
      if (r.reject) t.reject++;
    } else if (r.status === NODATA) t.nodata++;
    else t.skipdata++;
    if (o.pos > o.buf.length - 4096) await emit(o.take());
  }
  await emit(o.take());
  return t;
}
