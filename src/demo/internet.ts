// Addresses outside the platform, drawn per seed: internet services the hosts call, users of
// the public load balancers, scanners, MoJ networks, and the few addresses the planted
// violations use (kept out of every background pool so the planted flows stay identifiable).

import { block, HMPPS_SSH_RANGES, ipText } from './platform.js';
import { createRng, type Rng } from './prng.js';

export interface InternetPools {
  /** tcp 443 destinations of internet egress */
  readonly saas: readonly string[];
  /** tcp 80 destinations on the firewall's allow list */
  readonly httpAllowed: readonly string[];
  /** SFTP partners of laa-* (tcp 22, 8022: an allowed exception) */
  readonly sftpPartners: readonly string[];
  /** hmpps-production SSH partners inside 165.72.0.0/16 and 199.40.0.0/16 (allowed) */
  readonly hmppsSsh: readonly string[];
  /** mail services reached on 465/587 (hmpps-*, cica-*) */
  readonly smtpOut: readonly string[];
  /** S3 addresses reached through the gateway endpoint */
  readonly s3: readonly string[];
  /** internet users of the public load balancers */
  readonly users: readonly string[];
  readonly mojUsers: readonly string[];
  readonly cloudPlatform: readonly string[];
  readonly analytical: readonly string[];
  readonly azure: readonly string[];
  /** planted: the one source of violation #5 (RDP to a public load balancer) */
  readonly rdpSource: string;
  /** planted: the address of the blocked domain of violation #4 */
  readonly blockedHttp: string;
  /** planted: the SSH target of violation #3 */
  readonly sshTarget: string;
  /** address -> AWS service name (pkt-src/dst-aws-service) */
  readonly awsService: ReadonlyMap<string, string>;
  /** a scanner address: any public address but the planted and pooled ones */
  scanner(rng: Rng): string;
}

// First octets of ordinary public space (no private, reserved, AWS-service or HMPPS-exception /8s).
const PUBLIC_FIRST = [
  5, 23, 31, 37, 45, 46, 62, 77, 78, 80, 81, 82, 85, 87, 88, 89, 91, 92, 93, 94, 95, 104, 107, 109, 141, 142,
  146, 151, 159, 162, 167, 170, 176, 178, 185, 188, 193, 194, 195, 212, 213, 217,
];
const AWS_PREFIXES: readonly (readonly [string, string])[] = [
  ['35.176.', 'EC2'],
  ['18.130.', 'EC2'],
  ['3.10.', 'EC2'],
  ['52.56.', 'AMAZON'],
  ['13.224.', 'CLOUDFRONT'],
];
const S3_BLOCKS = ['52.95.148.0/23', '3.5.244.0/22'];

const octet = (rng: Rng): number => rng.int(1, 254);

function inBlock(rng: Rng, cidr: string): string {
  const [first, size] = block(cidr);
  return ipText(first + rng.int(1, size - 2));
}

/** The pools for a seed (their own 'internet' stream). */
export function internetPools(seed: number): InternetPools {
  const rng = createRng(seed, 'internet');
  const taken = new Set<string>();
  const fresh = (make: () => string): string => {
    let ip = make();
    while (taken.has(ip)) ip = make();
    taken.add(ip);
    return ip;
  };
  const publicIp = (): string =>
    `${rng.pick(PUBLIC_FIRST)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${octet(rng)}`;
  const many = (n: number, make: () => string): string[] => Array.from({ length: n }, () => fresh(make));
  const awsService = new Map<string, string>();
  const saas = many(rng.int(30, 60), () => {
    if (!rng.chance(0.4)) return publicIp();
    const [prefix, service] = rng.pick(AWS_PREFIXES);
    const ip = `${prefix}${rng.int(0, 255)}.${octet(rng)}`;
    awsService.set(ip, service);
    return ip;
  });
  const s3 = many(8, () => inBlock(rng, rng.pick(S3_BLOCKS)));
  for (const ip of s3) awsService.set(ip, 'S3');
  const pools = {
    saas,
    s3,
    httpAllowed: many(4, publicIp),
    sftpPartners: many(3, publicIp),
    hmppsSsh: HMPPS_SSH_RANGES.map((r) => fresh(() => inBlock(rng, r))),
    smtpOut: many(3, publicIp),
    users: many(rng.int(200, 500), publicIp),
    mojUsers: many(rng.int(150, 400), () =>
      inBlock(rng, rng.chance(0.6) ? '10.184.0.0/14' : '10.148.0.0/14'),
    ),
    cloudPlatform: many(rng.int(10, 30), () => inBlock(rng, '172.20.0.0/16')),
    analytical: many(rng.int(5, 15), () => inBlock(rng, '10.200.0.0/16')),
    azure: many(rng.int(3, 8), () => inBlock(rng, '10.40.0.0/18')),
    rdpSource: fresh(publicIp),
    blockedHttp: fresh(publicIp),
    sshTarget: fresh(publicIp),
    awsService,
  };
  return {
    ...pools,
    scanner: (r) => {
      const make = () => `${r.pick(PUBLIC_FIRST)}.${r.int(0, 255)}.${r.int(0, 255)}.${octet(r)}`;
      let ip = make();
      while (taken.has(ip)) ip = make();
      return ip;
    },
  };
}
