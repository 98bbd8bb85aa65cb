// One generated record before it becomes text, and its three spellings: the 29-field custom
// VPC format (version 5), the legacy default v2 format, and the 36-field default TGW format
// (version 6). Field lists come from flow/columns.ts where they exist there.

import { DEFAULT_TGW_FORMAT, DEFAULT_VPC_FORMAT } from '../flow/index.js';
import { AZ_IDS, type DemoFormat, REGION } from './platform.js';
import type { TextBuffer } from './text.js';
import type { Attachment, Eni } from './topology.js';

export type Action = 'ACCEPT' | 'REJECT';
export type Status = 'OK' | 'NODATA' | 'SKIPDATA';
export type Direction = 'ingress' | 'egress';

/** The custom format most of the platform's VPC flow logs use. */
export const VPC_CUSTOM_29: readonly string[] = Object.freeze(
  (
    'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action ' +
    'log-status vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr region az-id ' +
    'sublocation-type sublocation-id pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path'
  ).split(' '),
);

export const FIELDS: Readonly<Record<DemoFormat, readonly string[]>> = {
  'vpc-custom-29': VPC_CUSTOM_29,
  'vpc-v2': DEFAULT_VPC_FORMAT,
  'tgw-36': DEFAULT_TGW_FORMAT,
};

/** Traffic seen at one place, in one direction, in one aggregation interval. */
export interface Traffic {
  readonly src: string;
  readonly dst: string;
  readonly sport: number;
  readonly dport: number;
  readonly proto: number;
  readonly packets: number;
  readonly bytes: number;
  readonly flags: number;
  readonly start: number;
  readonly end: number;
}

export interface VpcRecord extends Partial<Traffic> {
  readonly kind: 'vpc';
  readonly eni: Eni;
  readonly status: Status;
  readonly start: number;
  readonly end: number;
  readonly action?: Action;
  readonly pktSrc?: string;
  readonly pktDst?: string;
  readonly dir?: Direction;
  /** traffic-path, on egress records only */
  readonly path?: number;
}

export interface TgwRecord extends Traffic {
  readonly kind: 'tgw';
  /** the attachment the record was captured on */
  readonly at: Attachment;
  readonly srcAtt: Attachment;
  /** null when the TGW found no route */
  readonly dstAtt: Attachment | null;
  readonly srcAz: number;
  readonly dstAz: number;
  readonly dir: Direction;
  readonly lostNoRoute: number;
}

export type DemoRecord = VpcRecord | TgwRecord;

export interface FormatContext {
  readonly tgwId: string;
  readonly tgwAccount: string;
  readonly awsService: ReadonlyMap<string, string>;
}

const NO_TRAFFIC = '- - - - - - -';
const az = (i: number): string => AZ_IDS[i] ?? '-';

function vpc29(o: TextBuffer, r: VpcRecord, ctx: FormatContext): void {
  const e = r.eni;
  o.str('5');
  o.str(e.account);
  o.str(e.id);
  if (r.status !== 'OK') {
    o.str(NO_TRAFFIC);
    o.num(r.start);
    o.num(r.end);
    o.str(`- ${r.status} ${e.vpcId} ${e.subnetId} ${e.instanceId} - - - - ${REGION} ${az(e.az)} - - - - - -`);
    o.end();
    return;
  }
  const t = r as VpcRecord & Traffic;
  for (const s of [t.src, t.dst]) o.str(s);
  for (const n of [t.sport, t.dport, t.proto, t.packets, t.bytes, t.start, t.end]) o.num(n);
  for (const s of [t.action ?? '-', 'OK', e.vpcId, e.subnetId, e.instanceId]) o.str(s);
  o.num(t.flags);
  for (const s of ['IPv4', t.pktSrc ?? '-', t.pktDst ?? '-', REGION, az(e.az), '- -']) o.str(s);
  o.str(ctx.awsService.get(t.pktSrc ?? '') ?? '-');
  o.str(ctx.awsService.get(t.pktDst ?? '') ?? '-');
  o.str(t.dir ?? '-');
  if (t.path === undefined) o.str('-');
  else o.num(t.path);
  o.end();
}

function vpc2(o: TextBuffer, r: VpcRecord): void {
  o.str('2');
  o.str(r.eni.account);
  o.str(r.eni.id);
  if (r.status !== 'OK') {
    o.str(NO_TRAFFIC);
    o.num(r.start);
    o.num(r.end);
    o.str(`- ${r.status}`);
    o.end();
    return;
  }
  const t = r as VpcRecord & Traffic;
  for (const s of [t.src, t.dst]) o.str(s);
  for (const n of [t.sport, t.dport, t.proto, t.packets, t.bytes, t.start, t.end]) o.num(n);
  o.str(t.action ?? '-');
  o.str('OK');
  o.end();
}

function tgw36(o: TextBuffer, r: TgwRecord, ctx: FormatContext): void {
  const s = r.srcAtt;
  const d = r.dstAtt;
  const pair = r.at === s ? d : s;
  for (const v of [
    '6 TransitGatewayAttachment',
    ctx.tgwAccount,
    ctx.tgwId,
    r.at.id,
    s.account,
    d?.account ?? '-',
  ])
    o.str(v);
  for (const v of [s.vpcId, d?.vpcId ?? '-', s.subnetIds[r.srcAz] ?? '-', d?.subnetIds[r.dstAz] ?? '-'])
    o.str(v);
  for (const v of [
    s.eniIds[r.srcAz] ?? '-',
    d?.eniIds[r.dstAz] ?? '-',
    az(r.srcAz),
    d === null ? '-' : az(r.dstAz),
  ])
    o.str(v);
  for (const v of [pair?.id ?? '-', r.src, r.dst]) o.str(v);
  for (const n of [r.sport, r.dport, r.proto, r.packets, r.bytes, r.start, r.end]) o.num(n);
  o.str('OK IPv4');
  o.num(r.lostNoRoute);
  o.str('0 0 0');
  o.num(r.flags);
  for (const v of [REGION, r.dir, ctx.awsService.get(r.src) ?? '-', ctx.awsService.get(r.dst) ?? '-'])
    o.str(v);
  o.end();
}

/** Writes the record as one line of the given format. */
export function writeRecord(o: TextBuffer, r: DemoRecord, format: DemoFormat, ctx: FormatContext): void {
  if (r.kind === 'tgw') tgw36(o, r, ctx);
  else if (format === 'vpc-v2') vpc2(o, r);
  else vpc29(o, r, ctx);
}

/** "Who really sent it": pkt-srcaddr where the format has it, else srcaddr. */
export function effectiveSource(r: DemoRecord, format: DemoFormat): string | undefined {
  return r.kind === 'vpc' && format === 'vpc-custom-29' ? r.pktSrc : r.src;
}
