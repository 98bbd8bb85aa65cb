// The seeded instance of the platform: accounts, VPC/subnet/ENI/instance ids, hosts placed in
// their tiers, TGW attachments and the flow logs. Everything random here comes from the
// 'topology' stream, so a seed fixes the estate before any traffic is drawn.

import { type InternetPools, internetPools } from './internet.js';
import { CORE, type DemoFormat, type Env, MEMBERS, type VpcClass } from './platform.js';
import { createRng, type Rng } from './prng.js';
import { buildCore, buildMember } from './vpc.js';

export type Role = 'app' | 'bastion' | 'db' | 'efs' | 'lb' | 'endpoint' | 'tgw' | 'nat' | 'dc' | 'collector';

export interface FlowLog {
  readonly index: number;
  readonly id: string;
  readonly account: string;
  readonly format: DemoFormat;
  /** the VPC logged; null for the TGW flow log */
  readonly vpc: string | null;
}

export interface Eni {
  readonly id: string;
  readonly ip: string;
  readonly role: Role;
  readonly az: number;
  readonly subnetId: string;
  /** `-` for requester-managed interfaces (NAT, TGW, endpoints, load balancers, EFS) */
  readonly instanceId: string;
  readonly vpc: string;
  readonly vpcId: string;
  readonly account: string;
  readonly log: FlowLog | null;
  /** the service port it answers on (databases, endpoints) */
  readonly port: number;
  readonly windows: boolean;
  /** keeps running out of hours in non-production */
  readonly alwaysOn: boolean;
}

export interface Attachment {
  readonly id: string;
  readonly account: string;
  readonly vpcId: string;
  readonly subnetIds: readonly string[];
  readonly eniIds: readonly string[];
}

export interface Vpc {
  readonly name: string;
  readonly account: string;
  readonly vpcId: string;
  readonly cidrs: readonly string[];
  readonly cls: VpcClass | null;
  readonly env: Env | null;
  readonly log: FlowLog | null;
  readonly attachment: Attachment;
  readonly tgwEnis: readonly Eni[];
  readonly enis: readonly Eni[];
  readonly byRole: Readonly<Record<Role, readonly Eni[]>>;
}

export interface Topology {
  readonly members: readonly Vpc[];
  readonly core: Readonly<Record<string, Vpc>>;
  readonly tgwId: string;
  readonly tgwAccount: string;
  readonly logs: readonly FlowLog[];
  readonly accounts: Readonly<Record<string, string>>;
  readonly internet: InternetPools;
}

function account(rng: Rng, leadingZero: boolean): string {
  let s = leadingZero ? '0' : String(rng.int(1, 9));
  while (s.length < 12) s += String(rng.int(0, 9));
  return s;
}

/** The estate for a seed: same seed, same ids, addresses and hosts. */
export function buildTopology(seed: number): Topology {
  const rng = createRng(seed, 'topology');
  const names = [
    ...MEMBERS.map((v) => v.name),
    'core-network-services',
    'core-shared-services',
    'core-logging',
  ];
  const zeroAt = rng.int(0, MEMBERS.length - 1);
  const accounts: Record<string, string> = {};
  names.forEach((n, i) => {
    accounts[n] = account(rng, n === 'core-network-services' || i === zeroAt);
  });
  const logs: FlowLog[] = [];
  const newLog = (acct: string, format: DemoFormat, vpc: string | null): FlowLog => {
    const log = { index: logs.length, id: `fl-${rng.hex(17)}`, account: acct, format, vpc };
    logs.push(log);
    return log;
  };
  const members = MEMBERS.map((p) => {
    const acct = accounts[p.name] as string;
    return buildMember(rng, p, acct, p.flowLog === null ? null : newLog(acct, p.flowLog, p.name));
  });
  const core: Record<string, Vpc> = {};
  for (const p of CORE) {
    const acct = accounts[p.account] as string;
    core[p.name] = buildCore(rng, p, acct, p.flowLog ? newLog(acct, 'vpc-custom-29', p.name) : null);
  }
  const tgwAccount = accounts['core-network-services'] as string;
  newLog(tgwAccount, 'tgw-36', null);
  return {
    members,
    core,
    tgwId: `tgw-${rng.hex(17)}`,
    tgwAccount,
    logs,
    accounts,
    internet: internetPools(seed),
  };
}
