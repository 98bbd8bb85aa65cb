// One flow as the policy sees it, in memory: the same columns classify-sql.ts computes in SQL
// (segments of the effective endpoints, reply, connection, class, capture segment, hop, direct),
// with the same NULL rules. The differential test holds the two to the same answers.

import { type Address, formatAddress, parseAddress } from '../flow/index.js';
import { CLS } from './classify-sql.js';
import { type Compiled, compiled, declared, type IdClaim, RANKED } from './compiled.js';
import { pieceOf } from './intervals.js';
import type { IdKind, Policy } from './model.js';

type Text = string | null | undefined;
type Num = number | null | undefined;

/** A flow record with TS field names (flow/columns.ts); missing fields are null or absent. */
export interface PolicyFlow {
  readonly kind?: 'vpc' | 'tgw';
  readonly logStatus?: Text;
  readonly action?: Text;
  readonly start: number;
  readonly srcaddr?: Text;
  readonly dstaddr?: Text;
  readonly pktSrcaddr?: Text;
  readonly pktDstaddr?: Text;
  readonly srcport?: Num;
  readonly dstport?: Num;
  readonly protocol?: Num;
  readonly tcpFlags?: Num;
  readonly packets?: Num;
  readonly bytes?: Num;
  readonly flowDirection?: Text;
  readonly trafficPath?: Num;
  readonly pktDstAwsService?: Text;
  readonly interfaceId?: Text;
  readonly subnetId?: Text;
  readonly vpcId?: Text;
  readonly accountId?: Text;
  readonly tgwSrcVpcId?: Text;
  readonly tgwDstVpcId?: Text;
  readonly tgwSrcSubnetId?: Text;
  readonly tgwDstSubnetId?: Text;
  readonly tgwSrcEni?: Text;
  readonly tgwDstEni?: Text;
  readonly tgwSrcVpcAccountId?: Text;
  readonly tgwDstVpcAccountId?: Text;
  readonly packetsLostNoRoute?: Num;
  readonly packetsLostBlackhole?: Num;
  readonly packetsLostMtuExceeded?: Num;
  readonly packetsLostTtlExpired?: Num;
}

/** The flow's connection and everything rules read. Codes: 0 none. */
export interface Classified {
  readonly sseg: number;
  readonly dseg: number;
  readonly reply: boolean;
  readonly cls: number | null;
  readonly cseg: number;
  readonly vseg: number;
  /** top-level indexes of client and server (null: in no segment, or the internet) */
  readonly ctop: number | null;
  readonly vtop: number | null;
  readonly protocol: number | null;
  readonly port: number | null;
  readonly capseg: number | null;
  readonly captop: number | null;
  readonly hop: number | null;
  readonly hoptop: number | null;
  readonly direct: boolean;
  /** the connection's client and server addresses (effective) */
  readonly client: string | null;
  readonly server: string | null;
}

type Side = 'src' | 'dst';
type Addr = Address | undefined;

const text = (a: Addr): string | null => (a === undefined ? null : formatAddress(a));
const addr = (t: Text): Addr => (t === null || t === undefined ? undefined : parseAddress(t));
const same = (a: Addr, b: Addr): boolean =>
  a !== undefined && b !== undefined && a.family === b.family && a.value === b.value;

const VPC_FIELD: Readonly<Record<IdKind, keyof PolicyFlow>> = {
  interface: 'interfaceId',
  subnet: 'subnetId',
  vpc: 'vpcId',
  account: 'accountId',
};
const TGW_FIELD: Readonly<Record<IdKind, Readonly<Record<Side, keyof PolicyFlow>>>> = {
  interface: { src: 'tgwSrcEni', dst: 'tgwDstEni' },
  subnet: { src: 'tgwSrcSubnetId', dst: 'tgwDstSubnetId' },
  vpc: { src: 'tgwSrcVpcId', dst: 'tgwDstVpcId' },
  account: { src: 'tgwSrcVpcAccountId', dst: 'tgwDstVpcAccountId' },
};

interface Addresses {
  readonly raw: Readonly<Record<Side, Addr>>;
  readonly pkt: Readonly<Record<Side, Addr>>;
}

const untranslated = (a: Addresses, s: Side): boolean => a.pkt[s] === undefined || same(a.pkt[s], a.raw[s]);
const effective = (a: Addresses, s: Side): Addr => a.pkt[s] ?? a.raw[s];

function claims(claim: IdClaim, f: PolicyFlow, a: Addresses, side: Side | null): boolean {
  const kind = f.kind ?? 'vpc';
  const has = (field: keyof PolicyFlow) => {
    const v = f[field];
    return typeof v === 'string' && claim.ids.includes(v);
  };
  if (side === null) return kind === 'vpc' && has(VPC_FIELD[claim.kind]);
  if (kind === 'tgw') return has(TGW_FIELD[claim.kind][side]);
  const local = f.flowDirection === (side === 'src' ? 'egress' : 'ingress');
  return local && untranslated(a, side) && has(VPC_FIELD[claim.kind]);
}

/** The segment code of an address (0: none), id claims included as in SQL. */
export function codeOf(c: Compiled, address: Addr, f: PolicyFlow, a: Addresses, side: Side | null): number {
  const piece = address === undefined ? undefined : pieceOf(c.pieces[address.family], address.value);
  const code = piece?.code ?? 0;
  if (c.claims.length === 0) return code;
  let best = code === 0 ? 0 : (piece?.rank ?? 0) * RANKED + code;
  for (const k of c.claims) if (claims(k, f, a, side)) best = Math.max(best, k.rank * RANKED + k.code);
  return best % RANKED;
}

function replyOf(f: PolicyFlow): boolean {
  const flags = f.tcpFlags;
  if (f.protocol === 6 && flags !== null && flags !== undefined) {
    if ((flags & 18) === 18) return true;
    if ((flags & 18) === 2) return false;
  }
  return (
    f.srcport !== null &&
    f.srcport !== undefined &&
    f.dstport !== null &&
    f.dstport !== undefined &&
    f.srcport < f.dstport
  );
}

function clsOf(f: PolicyFlow): number | null {
  if (f.action === 'ACCEPT') return CLS.pass;
  if (f.action === 'REJECT') return CLS.reject;
  if (f.kind !== 'tgw') return null;
  const lost = [
    f.packetsLostNoRoute,
    f.packetsLostBlackhole,
    f.packetsLostMtuExceeded,
    f.packetsLostTtlExpired,
  ].reduce<number>((s, x) => s + (x ?? 0), 0);
  return (f.packets ?? 0) > lost ? CLS.pass : CLS.lost;
}

function captureOf(c: Compiled, f: PolicyFlow, a: Addresses, sseg: number, dseg: number): number | null {
  if (f.kind === 'tgw') return null;
  const own = (s: Side) => codeOf(c, a.raw[s], f, a, null);
  if (f.flowDirection === 'egress') return untranslated(a, 'src') ? sseg : own('src');
  if (f.flowDirection === 'ingress') return untranslated(a, 'dst') ? dseg : own('dst');
  if (untranslated(a, 'src') && untranslated(a, 'dst')) return declared(c, sseg) ? sseg : dseg;
  // without a direction, the translated side is the forwarding interface's
  return untranslated(a, 'src') ? own('dst') : own('src');
}

function directOf(f: PolicyFlow, a: Addresses, reply: boolean): boolean {
  if (f.kind === 'tgw' || reply || f.flowDirection !== 'egress' || !untranslated(a, 'src')) return false;
  const gateway = f.pktDstAwsService === 'S3' || f.pktDstAwsService === 'DYNAMODB';
  return f.trafficPath === 8 || (f.trafficPath === 2 && !gateway);
}

/** The flow as rules see it; null for NODATA/SKIPDATA records (never traffic). */
export function classify(policy: Policy, f: PolicyFlow): Classified | null {
  if (f.logStatus !== 'OK') return null;
  const c = compiled(policy);
  const a: Addresses = {
    raw: { src: addr(f.srcaddr), dst: addr(f.dstaddr) },
    pkt: { src: addr(f.pktSrcaddr), dst: addr(f.pktDstaddr) },
  };
  const sseg = codeOf(c, effective(a, 'src'), f, a, 'src');
  const dseg = codeOf(c, effective(a, 'dst'), f, a, 'dst');
  const reply = replyOf(f);
  const capseg = captureOf(c, f, a, sseg, dseg);
  const top = (code: number | null) => (code !== null && declared(c, code) ? (c.topOf[code] ?? null) : null);
  const forwards =
    f.kind !== 'tgw' &&
    ((f.flowDirection === 'ingress' && !untranslated(a, 'dst')) ||
      (f.flowDirection === 'egress' && !untranslated(a, 'src')));
  return {
    sseg,
    dseg,
    reply,
    cls: clsOf(f),
    cseg: reply ? dseg : sseg,
    vseg: reply ? sseg : dseg,
    ctop: top(reply ? dseg : sseg),
    vtop: top(reply ? sseg : dseg),
    protocol: f.protocol ?? null,
    port: (reply ? f.srcport : f.dstport) ?? null,
    capseg,
    captop: top(capseg),
    hop: forwards ? capseg : null,
    hoptop: forwards ? top(capseg) : null,
    direct: directOf(f, a, reply),
    client: text(effective(a, reply ? 'dst' : 'src')),
    server: text(effective(a, reply ? 'src' : 'dst')),
  };
}
