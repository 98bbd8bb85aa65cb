// The platform the demo models, written once: the UK MoJ Modernisation Platform's address plan
// (see /work/shared/docs/platform-model.md). Plain data plus the tier arithmetic of a member /21;
// the seeded topology (ids, hosts, accounts) is built from it in topology.ts.

export type Env = 'production' | 'preproduction' | 'development' | 'test' | 'sandbox';
export type VpcClass = 'live' | 'non-live';
export type Tier = 'private' | 'public' | 'data' | 'protected' | 'transit-gateway';
export type DemoFormat = 'vpc-custom-29' | 'vpc-v2' | 'tgw-36';

export const REGION = 'eu-west-2';
export const AZ_IDS = ['euw2-az2', 'euw2-az3', 'euw2-az1'] as const;
export const TIERS: readonly Tier[] = ['private', 'public', 'data', 'protected', 'transit-gateway'];

export interface MemberPlan {
  readonly name: string;
  readonly bu: string;
  readonly env: Env;
  /** the VPC's /21, A.B.C.0/21 */
  readonly cidr: string;
  /** the flow log's format; null: the VPC has no flow log at all (violation #9) */
  readonly flowLog: 'vpc-custom-29' | 'vpc-v2' | null;
}

const m = (name: string, cidr: string, flowLog: MemberPlan['flowLog'] = 'vpc-custom-29'): MemberPlan => {
  const [bu, env] = name.split(/-(?=[a-z]+$)/) as [string, Env];
  return { name, bu, env, cidr, flowLog };
};

export const MEMBERS: readonly MemberPlan[] = [
  m('laa-production', '10.27.64.0/21'),
  m('laa-preproduction', '10.27.72.0/21'),
  m('laa-development', '10.26.56.0/21'),
  m('laa-test', '10.26.96.0/21'),
  m('hmpps-production', '10.27.8.0/21'),
  m('hmpps-preproduction', '10.27.0.0/21'),
  m('hmpps-development', '10.26.24.0/21'),
  m('hmpps-test', '10.26.8.0/21'),
  m('hmcts-production', '10.27.16.0/21'),
  m('hmcts-development', '10.26.40.0/21', 'vpc-v2'),
  m('platforms-production', '10.27.96.0/21'),
  m('platforms-development', '10.26.16.0/21'),
  m('cica-production', '10.27.80.0/21'),
  m('yjb-production', '10.27.152.0/21', null),
  m('garden-sandbox', '10.231.0.0/21'),
  m('house-sandbox', '10.231.8.0/21', 'vpc-v2'),
];

export function classOf(env: Env): VpcClass {
  return env === 'production' || env === 'preproduction' ? 'live' : 'non-live';
}

/** Core VPCs: the ones with `flowLog` are logged (in the core accounts); the rest only appear as TGW attachments. */
export interface CorePlan {
  readonly name: string;
  readonly cidrs: readonly string[];
  readonly role: 'egress' | 'shared-services' | 'logging' | 'endpoints' | 'inspection';
  readonly cls: VpcClass | null;
  readonly account: 'core-network-services' | 'core-shared-services' | 'core-logging';
  readonly flowLog: boolean;
}

export const CORE: readonly CorePlan[] = [
  {
    name: 'egress-live',
    cidrs: ['10.20.0.0/19'],
    role: 'egress',
    cls: 'live',
    account: 'core-network-services',
    flowLog: true,
  },
  {
    name: 'egress-non-live',
    cidrs: ['10.20.32.0/19'],
    role: 'egress',
    cls: 'non-live',
    account: 'core-network-services',
    flowLog: true,
  },
  {
    name: 'shared-services-live',
    cidrs: ['10.20.64.0/19', '10.27.136.0/21'],
    role: 'shared-services',
    cls: 'live',
    account: 'core-shared-services',
    flowLog: true,
  },
  {
    name: 'shared-services-non-live',
    cidrs: ['10.20.96.0/19'],
    role: 'shared-services',
    cls: 'non-live',
    account: 'core-shared-services',
    flowLog: true,
  },
  {
    name: 'logging-live',
    cidrs: ['10.20.128.0/19'],
    role: 'logging',
    cls: 'live',
    account: 'core-logging',
    flowLog: false,
  },
  {
    name: 'logging-non-live',
    cidrs: ['10.20.160.0/19'],
    role: 'logging',
    cls: 'non-live',
    account: 'core-logging',
    flowLog: false,
  },
  {
    name: 'vpc-endpoints',
    cidrs: ['10.20.240.0/20'],
    role: 'endpoints',
    cls: null,
    account: 'core-network-services',
    flowLog: false,
  },
  {
    name: 'external-inspection',
    cidrs: ['10.56.0.0/24'],
    role: 'inspection',
    cls: null,
    account: 'core-network-services',
    flowLog: false,
  },
];

/** Fixed addresses inside the core VPCs. */
export const NAT_EIPS: Readonly<Record<VpcClass, readonly string[]>> = {
  live: ['13.41.38.176', '3.8.81.175', '3.11.197.133'],
  'non-live': ['13.43.9.198', '13.42.163.245', '18.132.208.127'],
};
export const DOMAIN_CONTROLLERS: Readonly<Record<VpcClass, readonly string[]>> = {
  live: ['10.27.136.5', '10.27.137.5'],
  'non-live': ['10.20.104.5', '10.20.106.5'],
};

/** Networks outside AWS (or outside the platform), reached through the external-inspection attachment. */
export const EXTERNAL: Readonly<Record<string, readonly string[]>> = {
  'cloud-platform': ['172.20.0.0/16'],
  'moj-vpn': ['10.184.0.0/14'],
  'moj-wifi': ['10.148.0.0/14'],
  'azure-legacy': ['10.40.0.0/18'],
  'analytical-platform': ['10.200.0.0/16'],
  'smtp-relays': ['10.180.104.100/32', '10.180.105.100/32'],
};

/** Internet ranges scoped by policy exceptions (hmpps-production tcp 22). */
export const HMPPS_SSH_RANGES = ['165.72.0.0/16', '199.40.0.0/16'] as const;

/** IPv4 text -> number and back (unsigned 32-bit). */
export function ipNum(ip: string): number {
  return ip.split('.').reduce((n, p) => n * 256 + Number(p), 0);
}
export function ipText(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** A block as [first, size]. */
export function block(cidr: string): readonly [first: number, size: number] {
  const [ip, prefix] = cidr.split('/') as [string, string];
  return [ipNum(ip), 2 ** (32 - Number(prefix))];
}

/** The three subnets (one per AZ) of each tier inside a member /21 at A.B.C.0. */
export function memberTiers(cidr: string): Readonly<Record<Tier, readonly string[]>> {
  const [first] = block(cidr);
  const at = (thirdOffset: number, fourth: number, prefix: number): string =>
    `${ipText(first + thirdOffset * 256 + fourth)}/${prefix}`;
  return {
    private: [at(0, 0, 24), at(1, 0, 24), at(2, 0, 24)],
    public: [at(3, 0, 25), at(3, 128, 25), at(4, 0, 25)],
    data: [at(4, 128, 25), at(5, 0, 25), at(5, 128, 25)],
    protected: [at(6, 0, 25), at(6, 128, 25), at(7, 0, 25)],
    'transit-gateway': [at(7, 128, 28), at(7, 144, 28), at(7, 160, 28)],
  };
}

/** The Linux bastion of a member VPC: the first usable address of its first private subnet (AWS keeps .0-.3). */
export function memberBastion(cidr: string): string {
  return ipText(block(cidr)[0] + 4);
}

/** Segment name -> CIDRs for everything the demo declares (the internet is the catch-all 0.0.0.0/0). */
export function platformSegments(): Readonly<Record<string, readonly string[]>> {
  const out: Record<string, readonly string[]> = {};
  for (const v of MEMBERS) out[v.name] = [v.cidr];
  // the inspection VPC is transit only: its own addresses never appear in a flow, so declaring
  // it would look like one more VPC without records (violation #9's shape)
  for (const c of CORE) if (c.role !== 'inspection') out[c.name] = c.cidrs;
  for (const [name, cidrs] of Object.entries(EXTERNAL)) out[name] = cidrs;
  out.internet = ['0.0.0.0/0'];
  return out;
}
