// The planted violations at work: what each minute adds for #1..#5 and #8 (each through its
// violation's tagged sink), and how all nine are described in truth.json. #6 (silence) and #7
// (degraded delivery) are carried out by the minute loop and the collector from the plan.

import type { Minute } from './background.js';
import { conversation, type Shape, TCP } from './conversation.js';
import { noRoute, type Sink, toInternet, viaTgw } from './paths.js';
import { inSpan, type Plan, type Span } from './plan.js';
import type { Topology, Vpc } from './topology.js';
import type { TruthViolation } from './truth.js';

type Static = Pick<
  TruthViolation,
  'id' | 'title' | 'kind' | 'from' | 'to' | 'src' | 'dst' | 'protocol' | 'port' | 'action'
>;

const SYN: Pick<Shape, 'req' | 'reqSize' | 'rep' | 'repSize' | 'flags'> = {
  req: [1, 3],
  reqSize: [60, 60],
  rep: [0, 0],
  repSize: [0, 0],
  flags: [2, 0],
};

/** The planted conversations of one minute, each emitted through its violation's tagged sink. */
export function plantMinute(m: Minute, plan: Plan, minute: number, tagged: (id: number) => Sink): void {
  const { rng, window } = m;
  const ew = plan.eastWest;
  const attempt = (s: Span, p: number): boolean => inSpan(s, minute) && (minute === s.from || rng.chance(p));
  const client = { ip: ew.client.ip, vpc: ew.from, eni: ew.client };
  const server = { ip: ew.server.ip, vpc: ew.to, eni: ew.server };
  if (attempt(ew.reject, 0.7))
    viaTgw(tagged(1), conversation(rng, window, { dport: 1521, ...SYN, action: 'REJECT' }), client, server);
  if (inSpan(ew.accept, minute)) {
    for (let i = rng.int(1, 2); i > 0; i--) {
      const shape: Shape = {
        dport: 1521,
        req: [4, 200],
        reqSize: [80, 600],
        rep: [4, 2000],
        repSize: [400, 1460],
      };
      viaTgw(tagged(2), conversation(rng, window, shape), client, server);
    }
  }
  const egress = (v: Vpc): Vpc => m.topo.core[v.cls === 'live' ? 'egress-live' : 'egress-non-live'] as Vpc;
  const net = m.topo.internet;
  if (attempt(plan.ssh.at, 0.8)) {
    const c = conversation(rng, window, { dport: 22, ...SYN, action: 'REJECT' });
    toInternet(tagged(3), c, plan.ssh.client, plan.ssh.vpc, net.sshTarget, egress(plan.ssh.vpc), 0);
  }
  if (attempt(plan.blocked.at, 0.8)) {
    const c = conversation(rng, window, { dport: 80, ...SYN });
    toInternet(
      tagged(4),
      c,
      plan.blocked.client,
      plan.blocked.vpc,
      net.blockedHttp,
      egress(plan.blocked.vpc),
      0,
      'firewall',
    );
  }
  if (inSpan(plan.rdp.at, minute)) {
    const c = conversation(rng, window, { dport: 3389, ...SYN, reqSize: [48, 52], action: 'REJECT' });
    tagged(5).emit({
      ...{ kind: 'vpc', eni: plan.rdp.lb, status: 'OK', action: 'REJECT', dir: 'ingress', proto: TCP },
      ...{
        src: net.rdpSource,
        dst: plan.rdp.lb.ip,
        pktSrc: net.rdpSource,
        pktDst: plan.rdp.lb.ip,
        sport: c.cport,
        dport: 3389,
      },
      ...{ packets: c.reqPackets, bytes: c.reqBytes, flags: 2, start: c.start, end: c.end },
    });
  }
  if (attempt(plan.noRoute.at, 0.8)) {
    const c = conversation(rng, window, { dport: 5432, ...SYN });
    noRoute(
      tagged(8),
      c,
      { ip: rng.pick(net.cloudPlatform), vpc: m.topo.core['external-inspection'] as Vpc },
      plan.noRoute.target,
    );
  }
}

/** The fixed facts of each violation, for truth.json (counts are added by the tally). */
export function describeViolations(plan: Plan, topo: Topology): readonly Static[] {
  const ew = plan.eastWest;
  const none = { src: null, dst: null, protocol: null, port: null, action: null } as const;
  const net = topo.internet;
  const tcp = (port: number, action: 'ACCEPT' | 'REJECT') => ({ protocol: TCP, port, action });
  return [
    {
      id: 1,
      title: `${ew.from.name} to ${ew.to.name} on tcp/1521, rejected by the NACL`,
      kind: 'blocked',
      from: ew.from.name,
      to: ew.to.name,
      src: ew.client.ip,
      dst: ew.server.ip,
      ...tcp(1521, 'REJECT'),
    },
    {
      id: 2,
      title: `${ew.from.name} to ${ew.to.name} on tcp/1521, accepted: the NACL exception drifted`,
      kind: 'violation',
      from: ew.from.name,
      to: ew.to.name,
      src: ew.client.ip,
      dst: ew.server.ip,
      ...tcp(1521, 'ACCEPT'),
    },
    {
      id: 3,
      title: `SSH to the internet from a ${plan.ssh.vpc.name} private subnet, rejected`,
      kind: 'blocked',
      from: plan.ssh.vpc.name,
      to: 'internet',
      src: plan.ssh.client.ip,
      dst: net.sshTarget,
      ...tcp(22, 'REJECT'),
    },
    {
      id: 4,
      title: `HTTP from ${plan.blocked.vpc.name} to a domain the egress firewall blocks: SYN only, never answered`,
      kind: 'dropped',
      from: plan.blocked.vpc.name,
      to: 'internet',
      src: plan.blocked.client.ip,
      dst: net.blockedHttp,
      ...tcp(80, 'ACCEPT'),
    },
    {
      id: 5,
      title: `RDP from the internet to a ${plan.rdp.vpc.name} public load balancer, rejected`,
      kind: 'blocked',
      from: 'internet',
      to: plan.rdp.vpc.name,
      src: net.rdpSource,
      dst: plan.rdp.lb.ip,
      ...tcp(3389, 'REJECT'),
    },
    {
      id: 6,
      title: `${plan.silence.vpc.name} TGW attachment silent for ${plan.silence.at.to - plan.silence.at.from} minutes`,
      kind: 'stopped',
      from: plan.silence.vpc.name,
      to: null,
      ...none,
    },
    {
      id: 7,
      title: `${plan.degraded.vpc.name} flow-log delivery degrades: NODATA/SKIPDATA only, then nothing`,
      kind: 'health',
      from: plan.degraded.vpc.name,
      to: null,
      ...none,
    },
    {
      id: 8,
      title: 'cloud-platform to house-sandbox: the TGW has no route',
      kind: 'tgw-loss',
      from: 'cloud-platform',
      to: 'house-sandbox',
      ...none,
      dst: plan.noRoute.target,
      protocol: TCP,
      port: 5432,
    },
    {
      id: 9,
      title: `${plan.missing.name} has no flow log: no records, ever`,
      kind: 'missing',
      from: plan.missing.name,
      to: null,
      ...none,
    },
  ];
}
