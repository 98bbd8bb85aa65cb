// One VPC of the estate, built from its plan: subnets per tier, hosts placed in them with
// unique addresses, AWS-shaped ids, its TGW attachment. Random draws come from the caller's
// 'topology' stream, in a fixed order, so the same seed builds the same VPC.

import {
  block,
  type CorePlan,
  classOf,
  DOMAIN_CONTROLLERS,
  ipNum,
  ipText,
  type MemberPlan,
  memberBastion,
  memberTiers,
  TIERS,
  type Tier,
} from './platform.js';
import type { Rng } from './prng.js';
import type { Attachment, Eni, FlowLog, Role, Vpc } from './topology.js';

const DB_PORTS = [1521, 1522, 5432, 3306, 1433] as const;
const ENDPOINT_SERVICES = 4; // ssm, ssmmessages, ec2messages, logs: one ENI per AZ each

interface VpcBuilder {
  readonly vpc: Omit<Vpc, 'attachment' | 'tgwEnis' | 'enis' | 'byRole'>;
  readonly enis: Eni[];
  readonly used: Set<number>;
}

function addEni(
  rng: Rng,
  b: VpcBuilder,
  role: Role,
  az: number,
  subnet: { id: string; cidr: string },
  extra: Partial<Eni> = {},
): Eni {
  const [first, size] = block(subnet.cidr);
  let n = extra.ip === undefined ? first + rng.int(4, size - 2) : ipNum(extra.ip);
  while (b.used.has(n)) n = first + rng.int(4, size - 2);
  b.used.add(n);
  const managed = role === 'lb' || role === 'endpoint' || role === 'tgw' || role === 'nat' || role === 'efs';
  const eni: Eni = {
    id: `eni-${rng.hex(17)}`,
    ip: ipText(n),
    role,
    az,
    subnetId: subnet.id,
    instanceId: managed ? '-' : `i-${rng.hex(17)}`,
    vpc: b.vpc.name,
    vpcId: b.vpc.vpcId,
    account: b.vpc.account,
    log: b.vpc.log,
    port: 0,
    windows: false,
    alwaysOn: true,
    ...extra,
  };
  b.enis.push(eni);
  return eni;
}

function finish(rng: Rng, b: VpcBuilder, tgwSubnets: readonly { id: string; cidr: string }[]): Vpc {
  const tgwEnis = tgwSubnets.map((s, az) => addEni(rng, b, 'tgw', az, s));
  const byRole = {} as Record<Role, Eni[]>;
  for (const r of [
    'app',
    'bastion',
    'db',
    'efs',
    'lb',
    'endpoint',
    'tgw',
    'nat',
    'dc',
    'collector',
  ] as const) {
    byRole[r] = b.enis.filter((e) => e.role === r);
  }
  const attachment: Attachment = {
    id: `tgw-attach-${rng.hex(17)}`,
    account: b.vpc.account,
    vpcId: b.vpc.vpcId,
    subnetIds: tgwSubnets.map((s) => s.id),
    eniIds: tgwEnis.map((e) => e.id),
  };
  return { ...b.vpc, attachment, tgwEnis, enis: b.enis, byRole };
}

export function buildMember(rng: Rng, plan: MemberPlan, acct: string, log: FlowLog | null): Vpc {
  const b: VpcBuilder = {
    vpc: {
      name: plan.name,
      account: acct,
      vpcId: `vpc-${rng.hex(17)}`,
      cidrs: [plan.cidr],
      cls: classOf(plan.env),
      env: plan.env,
      log,
    },
    enis: [],
    used: new Set(),
  };
  const tiers = memberTiers(plan.cidr);
  const sub = {} as Record<Tier, { id: string; cidr: string }[]>;
  for (const t of TIERS) sub[t] = tiers[t].map((cidr) => ({ id: `subnet-${rng.hex(17)}`, cidr }));
  const at = (t: Tier, az: number) => sub[t][az] as { id: string; cidr: string };
  // the bastion sits at a fixed address (policies name it) and is placed first so no host takes it
  addEni(rng, b, 'bastion', 0, at('private', 0), { ip: memberBastion(plan.cidr), port: 22, alwaysOn: false });
  const apps = plan.env === 'sandbox' ? rng.int(2, 4) : rng.int(4, 14);
  for (let i = 0; i < apps; i++) {
    const az = i % 3;
    addEni(rng, b, 'app', az, at('private', az), {
      windows: rng.chance(0.4),
      alwaysOn: i === 0 || rng.chance(0.2),
    });
  }
  const dbs = rng.int(2, 5);
  for (let i = 0; i < dbs; i++) {
    // the first database is always an Oracle one: every BU here runs one (violation #1 targets it)
    addEni(rng, b, 'db', i % 3, at('data', i % 3), { port: i === 0 ? 1521 : rng.pick(DB_PORTS) });
  }
  if (rng.chance(0.3)) addEni(rng, b, 'db', 2, at('data', 2), { port: 5439 }); // a Redshift cluster
  for (let az = 0; az < 3; az++) addEni(rng, b, 'efs', az, at('data', az), { port: 2049 });
  for (let az = 0; az < 3; az++) addEni(rng, b, 'lb', az, at('public', az), { port: 443 });
  for (let s = 0; s < ENDPOINT_SERVICES; s++) {
    for (let az = 0; az < 3; az++) addEni(rng, b, 'endpoint', az, at('protected', az), { port: 443 });
  }
  return finish(rng, b, sub['transit-gateway']);
}

export function buildCore(rng: Rng, plan: CorePlan, acct: string, log: FlowLog | null): Vpc {
  const b: VpcBuilder = {
    vpc: {
      name: plan.name,
      account: acct,
      vpcId: `vpc-${rng.hex(17)}`,
      cidrs: plan.cidrs,
      cls: plan.cls,
      env: null,
      log,
    },
    enis: [],
    used: new Set(),
  };
  const [base] = block(plan.cidrs[0] as string);
  const subnet = (cidr: string) => ({ id: `subnet-${rng.hex(17)}`, cidr });
  const tgwSubnets = [0, 16, 32].map((o) => subnet(`${ipText(base + o)}/28`));
  const hostSubnets = [1, 2, 3].map((o) => subnet(`${ipText(base + o * 256)}/24`));
  if (plan.role === 'egress')
    for (let az = 0; az < 3; az++) addEni(rng, b, 'nat', az, hostSubnets[az] as { id: string; cidr: string });
  if (plan.role === 'logging')
    for (let az = 0; az < 3; az++)
      addEni(rng, b, 'collector', az, hostSubnets[az] as { id: string; cidr: string }, { port: 443 });
  if (plan.role === 'endpoints')
    for (let az = 0; az < 3; az++)
      addEni(rng, b, 'endpoint', az, hostSubnets[az] as { id: string; cidr: string }, { port: 443 });
  if (plan.role === 'shared-services' && plan.cls !== null) {
    DOMAIN_CONTROLLERS[plan.cls].forEach((ip, az) => {
      addEni(rng, b, 'dc', az, subnet(ip.replace(/\.\d+$/, '.0/24')), { ip, windows: true });
    });
  }
  return finish(rng, b, tgwSubnets);
}
