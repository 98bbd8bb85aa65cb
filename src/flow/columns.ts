// The one table of flow-log fields: every VPC field of versions 2-8 and every Transit Gateway
// field, written once. DDL, the parser's field map, the filter language's field names and the
// API's dimensions are all derived from it. Adding a new AWS field is one line here.

/** How a field's text is read and stored. */
export type FieldType =
  | 'u8' // small unsigned integer (protocol, version, traffic-path)
  | 'u16' // ports, tcp-flags
  | 'i64' // counters: packets, bytes, packets-lost-*
  | 'ip' // IPv4 or IPv6 address
  | 'time' // epoch seconds (epoch milliseconds recognised and normalised)
  | 'enum' // one of a closed set of words
  | 'string'; // free text: ids, names, ARNs (dictionary-encoded in the store)

export type FlowKind = 'vpc' | 'tgw';

export interface Column {
  /** the AWS field name, as in a header line or a format string: `pkt-srcaddr` */
  readonly aws: string;
  /** the SQL name: AWS name with `-` -> `_` (Athena's convention) */
  readonly sql: string;
  /** the TypeScript name: camelCase of the AWS name */
  readonly ts: string;
  readonly type: FieldType;
  /** the lowest flow-log version that has this field */
  readonly version: number;
  /** which record kinds carry it */
  readonly kinds: readonly FlowKind[];
  /** sensible to group by (top-N, sankey); counters and times are not */
  readonly dimension: boolean;
  /** the closed set for `enum` fields */
  readonly values?: readonly string[];
  readonly description: string;
}

type Def = readonly [
  aws: string,
  type: FieldType,
  version: number,
  kinds: 'vpc' | 'tgw' | 'both',
  description: string,
  values?: readonly string[],
];

const DEFS: readonly Def[] = [
  ['version', 'u8', 2, 'both', 'flow-log version: the highest version among the chosen fields'],
  [
    'resource-type',
    'enum',
    2,
    'tgw',
    'TGW resource the record is about',
    ['TransitGateway', 'TransitGatewayAttachment'],
  ],
  [
    'account-id',
    'string',
    2,
    'both',
    'AWS account that owns the interface or transit gateway (12 digits, kept as text)',
  ],
  ['tgw-id', 'string', 2, 'tgw', 'transit gateway id'],
  ['tgw-attachment-id', 'string', 2, 'tgw', 'transit gateway attachment id'],
  ['tgw-src-vpc-account-id', 'string', 2, 'tgw', 'account of the source VPC'],
  ['tgw-dst-vpc-account-id', 'string', 2, 'tgw', 'account of the destination VPC'],
  ['tgw-src-vpc-id', 'string', 2, 'tgw', 'source VPC id'],
  ['tgw-dst-vpc-id', 'string', 2, 'tgw', 'destination VPC id'],
  ['tgw-src-subnet-id', 'string', 2, 'tgw', 'source subnet id'],
  ['tgw-dst-subnet-id', 'string', 2, 'tgw', 'destination subnet id'],
  ['tgw-src-eni', 'string', 2, 'tgw', 'source attachment ENI'],
  ['tgw-dst-eni', 'string', 2, 'tgw', 'destination attachment ENI'],
  ['tgw-src-az-id', 'string', 2, 'tgw', 'source availability zone id'],
  ['tgw-dst-az-id', 'string', 2, 'tgw', 'destination availability zone id'],
  ['tgw-pair-attachment-id', 'string', 2, 'tgw', 'the other attachment of the flow'],
  ['interface-id', 'string', 2, 'vpc', 'network interface (ENI) the record was captured on'],
  [
    'srcaddr',
    'ip',
    2,
    'both',
    "source address: the interface's primary address on its side (see pkt-srcaddr)",
  ],
  [
    'dstaddr',
    'ip',
    2,
    'both',
    "destination address: the interface's primary address on its side (see pkt-dstaddr)",
  ],
  ['srcport', 'u16', 2, 'both', 'source port (0 for ICMP)'],
  ['dstport', 'u16', 2, 'both', 'destination port (0 for ICMP)'],
  ['protocol', 'u8', 2, 'both', 'IANA protocol number: 1 ICMP, 6 TCP, 17 UDP, 58 ICMPv6'],
  ['packets', 'i64', 2, 'both', 'packets in the interval'],
  ['bytes', 'i64', 2, 'both', 'bytes in the interval'],
  ['start', 'time', 2, 'both', 'first packet of the interval (UTC); the canonical event time'],
  ['end', 'time', 2, 'both', 'last packet of the interval (UTC)'],
  [
    'action',
    'enum',
    2,
    'vpc',
    'ACCEPT or REJECT (security group or network ACL); NULL for TGW and NODATA/SKIPDATA',
    ['ACCEPT', 'REJECT'],
  ],
  [
    'log-status',
    'enum',
    2,
    'both',
    'OK, NODATA (no traffic) or SKIPDATA (records lost)',
    ['OK', 'NODATA', 'SKIPDATA'],
  ],
  ['vpc-id', 'string', 3, 'vpc', 'VPC of the interface'],
  ['subnet-id', 'string', 3, 'vpc', 'subnet of the interface'],
  ['instance-id', 'string', 3, 'vpc', 'instance of the interface (NULL for requester-managed interfaces)'],
  ['tcp-flags', 'u16', 3, 'both', 'OR of FIN=1, SYN=2, RST=4, SYN-ACK=18 seen in the interval'],
  ['type', 'enum', 3, 'both', 'traffic type', ['IPv4', 'IPv6', 'EFA']],
  ['pkt-srcaddr', 'ip', 3, 'vpc', 'packet-level source address (the real endpoint behind NAT, TGW or pods)'],
  ['pkt-dstaddr', 'ip', 3, 'vpc', 'packet-level destination address'],
  ['region', 'string', 4, 'both', 'AWS region'],
  ['az-id', 'string', 4, 'vpc', 'availability zone id'],
  ['sublocation-type', 'string', 4, 'vpc', 'wavelength, outpost or localzone'],
  ['sublocation-id', 'string', 4, 'vpc', 'id of the sublocation'],
  ['pkt-src-aws-service', 'string', 5, 'both', 'AWS service of pkt-srcaddr (S3, EC2, ...)'],
  ['pkt-dst-aws-service', 'string', 5, 'both', 'AWS service of pkt-dstaddr'],
  ['flow-direction', 'enum', 5, 'both', 'relative to the capturing interface', ['ingress', 'egress']],
  [
    'traffic-path',
    'u8',
    5,
    'vpc',
    'egress path: 1 same VPC, 2 IGW/gateway endpoint, 3 VGW, 4 intra-region peering, 5 inter-region peering, 6 local gateway, 7 gateway endpoint (Nitro), 8 IGW (Nitro)',
  ],
  ['packets-lost-no-route', 'i64', 2, 'tgw', 'packets dropped by the TGW: no route'],
  ['packets-lost-blackhole', 'i64', 2, 'tgw', 'packets dropped by the TGW: blackhole route'],
  ['packets-lost-mtu-exceeded', 'i64', 2, 'tgw', 'packets dropped by the TGW: MTU exceeded'],
  ['packets-lost-ttl-expired', 'i64', 2, 'tgw', 'packets dropped by the TGW: TTL expired'],
  ['ecs-cluster-arn', 'string', 7, 'vpc', 'ECS cluster ARN'],
  ['ecs-cluster-name', 'string', 7, 'vpc', 'ECS cluster name'],
  ['ecs-container-instance-arn', 'string', 7, 'vpc', 'ECS container instance ARN'],
  ['ecs-container-instance-id', 'string', 7, 'vpc', 'ECS container instance id'],
  ['ecs-container-id', 'string', 7, 'vpc', 'Docker id of the first container of the task'],
  ['ecs-second-container-id', 'string', 7, 'vpc', 'Docker id of the second container of the task'],
  ['ecs-service-name', 'string', 7, 'vpc', 'ECS service name'],
  ['ecs-task-definition-arn', 'string', 7, 'vpc', 'ECS task definition ARN'],
  ['ecs-task-arn', 'string', 7, 'vpc', 'ECS task ARN'],
  ['ecs-task-id', 'string', 7, 'vpc', 'ECS task id'],
  ['reject-reason', 'string', 8, 'vpc', 'why traffic was rejected: BPA (VPC Block Public Access)'],
];

function camel(aws: string): string {
  return aws.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

export const COLUMNS: readonly Column[] = Object.freeze(
  DEFS.map(([aws, type, version, kinds, description, values]) =>
    Object.freeze({
      aws,
      sql: aws.replaceAll('-', '_'),
      ts: camel(aws),
      type,
      version,
      kinds: kinds === 'both' ? (['vpc', 'tgw'] as const) : ([kinds] as const),
      dimension: type !== 'i64' && type !== 'time',
      ...(values === undefined ? {} : { values }),
      description,
    }),
  ),
);

const byAws = new Map(COLUMNS.map((c) => [c.aws, c]));
const bySql = new Map(COLUMNS.map((c) => [c.sql, c]));

/** The column for an AWS field name (`pkt-srcaddr`), or undefined for a field we do not know. */
export function columnByAws(name: string): Column | undefined {
  return byAws.get(name);
}

/** The column for a SQL name (`pkt_srcaddr`); also accepts the AWS spelling. */
export function columnBySql(name: string): Column | undefined {
  return bySql.get(name) ?? byAws.get(name);
}

/** The default (version 2) VPC format, in its fixed order. */
export const DEFAULT_VPC_FORMAT: readonly string[] = Object.freeze(
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status'.split(
    ' ',
  ),
);

/** The default Transit Gateway format (36 fields), in its fixed order. */
export const DEFAULT_TGW_FORMAT: readonly string[] = Object.freeze(
  (
    'version resource-type account-id tgw-id tgw-attachment-id tgw-src-vpc-account-id tgw-dst-vpc-account-id ' +
    'tgw-src-vpc-id tgw-dst-vpc-id tgw-src-subnet-id tgw-dst-subnet-id tgw-src-eni tgw-dst-eni tgw-src-az-id ' +
    'tgw-dst-az-id tgw-pair-attachment-id srcaddr dstaddr srcport dstport protocol packets bytes start end ' +
    'log-status type packets-lost-no-route packets-lost-blackhole packets-lost-mtu-exceeded ' +
    'packets-lost-ttl-expired tcp-flags region flow-direction pkt-src-aws-service pkt-dst-aws-service'
  ).split(' '),
);

/** Columns every stored flow has beyond the AWS fields. */
export const META_COLUMNS = Object.freeze({
  kind: 'kind', // 'vpc' | 'tgw'
  source: 'source', // the file or object the flow came from
  extra: 'extra', // unknown fields: MAP(VARCHAR, VARCHAR)
});

/** Fields that only a TGW record has: a layout naming any of them reads TGW records. */
export const TGW_ONLY_FIELDS: readonly string[] = Object.freeze(
  COLUMNS.filter((c) => c.kinds.length === 1 && c.kinds[0] === 'tgw').map((c) => c.aws),
);
