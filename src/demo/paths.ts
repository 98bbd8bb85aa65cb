// How one conversation shows up in the logs: every place it is captured (an instance ENI, the
// TGW ENIs on each side, the TGW attachments, the NAT gateway ENI), with the request and its
// reply. Middlebox ENIs (TGW, NAT) log their own address in srcaddr/dstaddr and the real
// endpoints in pkt-srcaddr/pkt-dstaddr, as AWS does.

import type { Action, DemoRecord, Direction } from './records.js';
import type { Attachment, Eni, Vpc } from './topology.js';

export interface Sink {
  emit(record: DemoRecord): void;
}

/** One conversation in one aggregation interval. A reply of 0 packets means no reply. */
export interface Conversation {
  readonly proto: number;
  readonly cport: number;
  readonly sport: number;
  readonly reqPackets: number;
  readonly reqBytes: number;
  readonly repPackets: number;
  readonly repBytes: number;
  readonly reqFlags: number;
  readonly repFlags: number;
  readonly action: Action;
  readonly start: number;
  readonly end: number;
}

/** The request as one ENI sees it. */
interface View {
  readonly src: string;
  readonly dst: string;
  readonly pktSrc: string;
  readonly pktDst: string;
  readonly sport?: number;
}

/** The request and (when there is one) the reply, captured on one ENI. */
function onEni(sink: Sink, eni: Eni, c: Conversation, v: View, dir: Direction, egressPath: number): void {
  const sport = v.sport ?? c.cport;
  const { proto, start, end, action } = c;
  sink.emit({
    kind: 'vpc',
    eni,
    status: 'OK',
    proto,
    start,
    end,
    action,
    dir,
    src: v.src,
    dst: v.dst,
    pktSrc: v.pktSrc,
    pktDst: v.pktDst,
    sport,
    dport: c.sport,
    packets: c.reqPackets,
    bytes: c.reqBytes,
    flags: c.reqFlags,
    path: dir === 'egress' ? egressPath : undefined,
  });
  if (c.repPackets === 0) return;
  const back: Direction = dir === 'egress' ? 'ingress' : 'egress';
  sink.emit({
    kind: 'vpc',
    eni,
    status: 'OK',
    proto,
    start,
    end,
    action,
    dir: back,
    src: v.dst,
    dst: v.src,
    pktSrc: v.pktDst,
    pktDst: v.pktSrc,
    sport: c.sport,
    dport: sport,
    packets: c.repPackets,
    bytes: c.repBytes,
    flags: c.repFlags,
    path: back === 'egress' ? egressPath : undefined,
  });
}

/** The four TGW records of a conversation between two attachments (two without a reply). */
function onTgw(
  sink: Sink,
  c: Conversation,
  a: Attachment,
  b: Attachment,
  azA: number,
  azB: number,
  ipA: string,
  ipB: string,
): void {
  const { proto, start, end } = c;
  for (const at of [a, b]) {
    sink.emit({
      kind: 'tgw',
      at,
      dir: at === a ? 'ingress' : 'egress',
      proto,
      start,
      end,
      lostNoRoute: 0,
      srcAtt: a,
      dstAtt: b,
      srcAz: azA,
      dstAz: azB,
      src: ipA,
      dst: ipB,
      sport: c.cport,
      dport: c.sport,
      packets: c.reqPackets,
      bytes: c.reqBytes,
      flags: c.reqFlags,
    });
  }
  if (c.repPackets === 0) return;
  for (const at of [b, a]) {
    sink.emit({
      kind: 'tgw',
      at,
      dir: at === b ? 'ingress' : 'egress',
      proto,
      start,
      end,
      lostNoRoute: 0,
      srcAtt: b,
      dstAtt: a,
      srcAz: azB,
      dstAz: azA,
      src: ipB,
      dst: ipA,
      sport: c.sport,
      dport: c.cport,
      packets: c.repPackets,
      bytes: c.repBytes,
      flags: c.repFlags,
    });
  }
}

/** Both ends in one VPC. */
export function intraVpc(sink: Sink, c: Conversation, client: Eni, server: Eni): void {
  const v = { src: client.ip, dst: server.ip, pktSrc: client.ip, pktDst: server.ip };
  onEni(sink, client, c, v, 'egress', 1);
  onEni(sink, server, c, v, 'ingress', 1);
}

/** One end of a conversation across the TGW: an ENI we may log, or an address behind an attachment. */
export interface End {
  readonly ip: string;
  readonly vpc: Vpc;
  readonly eni?: Eni;
}

/**
 * Client to server through the TGW. A REJECT stops at the client's ENI (its NACL or security
 * group); `stop: 'firewall'` ends at the server side's TGW ENI (the egress firewall drops it).
 */
export function viaTgw(sink: Sink, c: Conversation, client: End, server: End, stop?: 'firewall'): void {
  const azC = client.eni?.az ?? server.eni?.az ?? 0;
  const azS = server.eni?.az ?? azC;
  if (client.eni !== undefined) {
    onEni(
      sink,
      client.eni,
      c,
      { src: client.ip, dst: server.ip, pktSrc: client.ip, pktDst: server.ip },
      'egress',
      1,
    );
    if (c.action === 'REJECT') return;
    const t = client.vpc.tgwEnis[azC] as Eni;
    onEni(sink, t, c, { src: client.ip, dst: t.ip, pktSrc: client.ip, pktDst: server.ip }, 'ingress', 1);
  }
  onTgw(sink, c, client.vpc.attachment, server.vpc.attachment, azC, azS, client.ip, server.ip);
  const t = server.vpc.tgwEnis[azS] as Eni;
  onEni(sink, t, c, { src: t.ip, dst: server.ip, pktSrc: client.ip, pktDst: server.ip }, 'egress', 1);
  if (stop === 'firewall') return;
  if (server.eni !== undefined) {
    onEni(
      sink,
      server.eni,
      c,
      { src: client.ip, dst: server.ip, pktSrc: client.ip, pktDst: server.ip },
      'ingress',
      1,
    );
  }
}

/** A private host to the internet: through the TGW, the class's egress VPC and its NAT gateway. */
export function toInternet(
  sink: Sink,
  c: Conversation,
  client: Eni,
  home: Vpc,
  dst: string,
  egress: Vpc,
  natPort: number,
  stop?: 'firewall',
): void {
  viaTgw(sink, c, { ip: client.ip, vpc: home, eni: client }, { ip: dst, vpc: egress }, stop);
  if (c.action === 'REJECT' || stop === 'firewall') return;
  const nat = egress.byRole.nat[client.az] as Eni;
  onEni(sink, nat, c, { src: client.ip, dst: nat.ip, pktSrc: client.ip, pktDst: dst }, 'ingress', 1);
  onEni(sink, nat, c, { src: nat.ip, dst, pktSrc: nat.ip, pktDst: dst, sport: natPort }, 'egress', 8);
}

/** The internet to a public-tier ENI through the internet gateway. */
export function fromInternet(sink: Sink, c: Conversation, src: string, lb: Eni): void {
  onEni(sink, lb, c, { src, dst: lb.ip, pktSrc: src, pktDst: lb.ip }, 'ingress', 8);
}

/** A private host to S3 through the VPC's gateway endpoint (never leaves the VPC's route table). */
export function toGatewayEndpoint(sink: Sink, c: Conversation, client: Eni, dst: string): void {
  onEni(sink, client, c, { src: client.ip, dst, pktSrc: client.ip, pktDst: dst }, 'egress', 7);
}

/** An external source to an address the TGW has no route for: one record, every packet lost. */
export function noRoute(sink: Sink, c: Conversation, client: End, dst: string): void {
  sink.emit({
    kind: 'tgw',
    ...{
      at: client.vpc.attachment,
      srcAtt: client.vpc.attachment,
      dstAtt: null,
      srcAz: 0,
      dstAz: 0,
      dir: 'ingress',
    },
    ...{ src: client.ip, dst, sport: c.cport, dport: c.sport, proto: c.proto, start: c.start, end: c.end },
    ...{ packets: c.reqPackets, bytes: c.reqBytes, flags: c.reqFlags, lostNoRoute: c.reqPackets },
  });
}
