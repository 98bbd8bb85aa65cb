// Background traffic: the platform behaving as intended (platform-model.md "Realistic
// traffic"). Never east-west between members, never live to non-live, no internet SSH outside
// the allowed exceptions, every reply present, no TGW loss: those kinds are only ever planted.

import { conversation, runningApp, type Shape, TCP, UDP } from './conversation.js';
import { fromInternet, intraVpc, type Sink, toGatewayEndpoint, toInternet, viaTgw } from './paths.js';
import type { Rng } from './prng.js';
import type { Eni, Topology, Vpc } from './topology.js';

export interface Minute {
  readonly rng: Rng;
  readonly topo: Topology;
  readonly sink: Sink;
  /** epoch seconds of the minute's start */
  readonly window: number;
  /** may this VPC's traffic cross the TGW this minute? (false while its attachment is silent) */
  crosses(vpc: Vpc): boolean;
  /** are this VPC's ordinary hosts running? */
  awake(vpc: Vpc): boolean;
}

const BULK: Pick<Shape, 'req' | 'reqSize' | 'rep' | 'repSize'> = {
  req: [4, 400],
  reqSize: [80, 600],
  rep: [4, 3000],
  repSize: [400, 1460],
};
const CHAT: Pick<Shape, 'req' | 'reqSize' | 'rep' | 'repSize'> = {
  req: [2, 40],
  reqSize: [60, 700],
  rep: [2, 40],
  repSize: [60, 1400],
};
// biome-ignore format: a table
const AD_PORTS: readonly (readonly [number, number])[] = [
  [UDP, 53], [UDP, 53], [UDP, 53], [TCP, 88], [UDP, 88], [TCP, 389], [TCP, 389], [UDP, 389],
  [TCP, 445], [TCP, 135], [TCP, 464], [UDP, 123], [TCP, 636], [TCP, 3268], [TCP, 9389], [TCP, 0], // 0: dynamic RPC
];
const SCAN_PORTS = [22, 3389, 23, 445] as const;

const egressOf = (t: Topology, v: Vpc): Vpc =>
  t.core[v.cls === 'live' ? 'egress-live' : 'egress-non-live'] as Vpc;
const inspection = (t: Topology): Vpc => t.core['external-inspection'] as Vpc;

export function appToDb(m: Minute, vpc: Vpc): void {
  const server = m.rng.pick([...vpc.byRole.db, ...vpc.byRole.db, ...vpc.byRole.efs]);
  intraVpc(
    m.sink,
    conversation(m.rng, m.window, { dport: server.port, ...BULK }),
    runningApp(m.rng, vpc, m.awake(vpc)),
    server,
  );
}

export function toEndpoint(m: Minute, vpc: Vpc, client?: Eni): void {
  const c = client ?? runningApp(m.rng, vpc, m.awake(vpc));
  intraVpc(
    m.sink,
    conversation(m.rng, m.window, { dport: 443, ...CHAT }),
    c,
    m.rng.pick(vpc.byRole.endpoint),
  );
}

export function toS3(m: Minute, vpc: Vpc): void {
  const client = m.rng.chance(0.5)
    ? runningApp(m.rng, vpc, m.awake(vpc))
    : m.rng.pick(vpc.byRole.db.filter((d) => d.instanceId !== '-'));
  toGatewayEndpoint(
    m.sink,
    conversation(m.rng, m.window, { dport: 443, ...BULK }),
    client,
    m.rng.pick(m.topo.internet.s3),
  );
}

/** Internet egress within policy: 443, 80 to allow-listed names, and the scoped exceptions. */
export function toInternetAllowed(m: Minute, vpc: Vpc, client?: Eni): void {
  const net = m.topo.internet;
  const r = m.rng.next();
  const bu = vpc.name.split('-')[0];
  let dst = m.rng.pick(net.saas);
  let port = 443;
  if (r < 0.05) [dst, port] = [m.rng.pick(net.httpAllowed), 80];
  else if (r < 0.09 && bu === 'laa') [dst, port] = [m.rng.pick(net.sftpPartners), m.rng.pick([22, 8022])];
  else if (r < 0.09 && vpc.name === 'hmpps-production') [dst, port] = [m.rng.pick(net.hmppsSsh), 22];
  else if (r < 0.12 && bu === 'hmpps') [dst, port] = [m.rng.pick(net.smtpOut), m.rng.pick([465, 587, 5721])];
  else if (r < 0.12 && bu === 'cica') [dst, port] = [m.rng.pick(net.smtpOut), 587];
  const c = conversation(m.rng, m.window, { dport: port, ...CHAT, rep: [2, 400] });
  const host = client ?? runningApp(m.rng, vpc, m.awake(vpc));
  toInternet(m.sink, c, host, vpc, dst, egressOf(m.topo, vpc), m.rng.int(1024, 65535));
}

export function mojUsers(m: Minute, vpc: Vpc): void {
  const c = conversation(m.rng, m.window, { dport: m.rng.chance(0.8) ? 443 : 80, ...CHAT, rep: [4, 600] });
  const app = runningApp(m.rng, vpc, m.awake(vpc));
  viaTgw(
    m.sink,
    c,
    { ip: m.rng.pick(m.topo.internet.mojUsers), vpc: inspection(m.topo) },
    { ip: app.ip, vpc, eni: app },
  );
}

/** Cloud Platform and Analytical Platform reading the member's databases. */
export function externalDb(m: Minute, vpc: Vpc): void {
  const dbs = vpc.byRole.db.filter((d) => d.port === 1521 || d.port === 5432 || d.port === 5439);
  const db = m.rng.pick(dbs);
  const net = m.topo.internet;
  const src =
    db.port === 5439 || m.rng.chance(0.3) ? m.rng.pick(net.analytical) : m.rng.pick(net.cloudPlatform);
  viaTgw(
    m.sink,
    conversation(m.rng, m.window, { dport: db.port, ...BULK }),
    { ip: src, vpc: inspection(m.topo) },
    { ip: db.ip, vpc, eni: db },
  );
}

/** A member host to its class's domain controllers. */
export function toDomainControllers(
  m: Minute,
  vpc: Vpc,
  client?: Eni,
  port?: readonly [number, number],
): void {
  const ss = m.topo.core[vpc.cls === 'live' ? 'shared-services-live' : 'shared-services-non-live'] as Vpc;
  const dc = m.rng.pick(ss.byRole.dc);
  const [proto, p] = port ?? m.rng.pick(AD_PORTS);
  const c = conversation(m.rng, m.window, { proto, dport: p === 0 ? m.rng.int(49152, 65535) : p, ...CHAT });
  const host = client ?? runningApp(m.rng, vpc, m.awake(vpc));
  viaTgw(m.sink, c, { ip: host.ip, vpc, eni: host }, { ip: dc.ip, vpc: ss, eni: dc });
}

/** SMTP relays, log collectors, central endpoints and (laa) the Azure legacy estate. */
export function toCoreOrExternal(m: Minute, vpc: Vpc): void {
  const host = runningApp(m.rng, vpc, m.awake(vpc));
  const from = { ip: host.ip, vpc, eni: host };
  const r = m.rng.next();
  if (r < 0.3) {
    const relay = m.rng.pick(['10.180.104.100', '10.180.105.100']);
    const c = conversation(m.rng, m.window, { dport: m.rng.pick([25, 587]), ...CHAT });
    viaTgw(m.sink, c, from, { ip: relay, vpc: inspection(m.topo) });
    return;
  }
  if (r < 0.4 && vpc.name.startsWith('laa-')) {
    const c = conversation(m.rng, m.window, { dport: m.rng.pick([1433, 443]), ...CHAT });
    viaTgw(m.sink, c, from, { ip: m.rng.pick(m.topo.internet.azure), vpc: inspection(m.topo) });
    return;
  }
  toCoreService(m, vpc, r < 0.8 ? 'logging' : 'endpoints', host);
}

/** A member host to its class's log collectors, or to the central VPC endpoints, on 443. */
export function toCoreService(m: Minute, vpc: Vpc, service: 'logging' | 'endpoints', host: Eni): void {
  const name =
    service === 'endpoints' ? 'vpc-endpoints' : vpc.cls === 'live' ? 'logging-live' : 'logging-non-live';
  const core = m.topo.core[name] as Vpc;
  const target = m.rng.pick(core.enis.filter((e) => e.role !== 'tgw'));
  const c = conversation(m.rng, m.window, { dport: 443, ...CHAT, req: [4, 300] });
  viaTgw(m.sink, c, { ip: host.ip, vpc, eni: host }, { ip: target.ip, vpc: core, eni: target });
}

/** Users of the public load balancers, and the load balancer on to an app host. */
export function fromUsers(m: Minute, vpc: Vpc): void {
  const lb = m.rng.pick(vpc.byRole.lb);
  fromInternet(
    m.sink,
    conversation(m.rng, m.window, { dport: 443, ...CHAT, rep: [4, 800] }),
    m.rng.pick(m.topo.internet.users),
    lb,
  );
  const app = runningApp(m.rng, vpc, m.awake(vpc));
  intraVpc(
    m.sink,
    conversation(m.rng, m.window, { dport: m.rng.pick([8080, 443]), ...CHAT, rep: [4, 800] }),
    lb,
    app,
  );
}

/** Internet scanners knocking on public subnets: rejected, never answered. */
export function scanners(m: Minute, vpc: Vpc): void {
  const shape: Shape = {
    dport: m.rng.pick(SCAN_PORTS),
    req: [1, 3],
    reqSize: [40, 60],
    rep: [0, 0],
    repSize: [0, 0],
    action: 'REJECT',
    flags: [2, 0],
  };
  fromInternet(
    m.sink,
    conversation(m.rng, m.window, shape),
    m.topo.internet.scanner(m.rng),
    m.rng.pick(vpc.byRole.lb),
  );
}

export function bastionSsh(m: Minute, vpc: Vpc): void {
  const bastion = vpc.byRole.bastion[0] as Eni;
  intraVpc(
    m.sink,
    conversation(m.rng, m.window, { dport: 22, ...CHAT }),
    bastion,
    m.rng.pick(vpc.byRole.app),
  );
}

interface Kind {
  readonly weight: number;
  readonly crosses: boolean;
  readonly run: (m: Minute, vpc: Vpc) => void;
}

/** Conversation weights, tuned so records split roughly as platform-model.md orders them. */
export const KINDS: readonly Kind[] = [
  { weight: 10, crosses: false, run: appToDb },
  { weight: 3.5, crosses: false, run: (m, v) => toEndpoint(m, v) },
  { weight: 1.2, crosses: false, run: toS3 },
  { weight: 1.0, crosses: true, run: (m, v) => toInternetAllowed(m, v) },
  { weight: 1.1, crosses: true, run: mojUsers },
  { weight: 0.6, crosses: true, run: externalDb },
  { weight: 0.5, crosses: true, run: (m, v) => toDomainControllers(m, v) },
  { weight: 0.5, crosses: true, run: toCoreOrExternal },
  { weight: 0.8, crosses: false, run: fromUsers },
  { weight: 2.0, crosses: false, run: scanners },
  { weight: 0.1, crosses: false, run: bastionSsh },
];
