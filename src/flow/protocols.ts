// IANA protocol numbers and well-known service ports: names people read, numbers we store.

const PROTOCOLS: Readonly<Record<string, number>> = {
  icmp: 1,
  igmp: 2,
  tcp: 6,
  udp: 17,
  gre: 47,
  esp: 50,
  ah: 51,
  icmpv6: 58,
  'ipv6-icmp': 58,
  sctp: 132,
};

const NAME_BY_NUMBER = new Map<number, string>();
for (const [name, n] of Object.entries(PROTOCOLS)) if (!NAME_BY_NUMBER.has(n)) NAME_BY_NUMBER.set(n, name);

/** The protocol number for a name (`tcp`) or a decimal string (`6`); undefined when unknown. */
export function protocolNumber(text: string): number | undefined {
  const t = text.toLowerCase();
  if (/^\d{1,3}$/.test(t)) {
    const n = Number(t);
    return n <= 255 ? n : undefined;
  }
  return PROTOCOLS[t];
}

/** A readable protocol name (`tcp`), or the number as text when it has none. */
export function protocolName(n: number): string {
  return NAME_BY_NUMBER.get(n) ?? String(n);
}

export const PROTOCOL_NAMES: readonly string[] = Object.freeze(Object.keys(PROTOCOLS));

const SERVICES: Readonly<Record<number, string>> = {
  22: 'ssh',
  23: 'telnet',
  25: 'smtp',
  53: 'dns',
  80: 'http',
  88: 'kerberos',
  123: 'ntp',
  135: 'msrpc',
  389: 'ldap',
  443: 'https',
  445: 'smb',
  464: 'kpasswd',
  465: 'smtps',
  587: 'submission',
  636: 'ldaps',
  1433: 'mssql',
  1521: 'oracle',
  1522: 'oracle',
  2049: 'nfs',
  3268: 'gc-ldap',
  3269: 'gc-ldaps',
  3306: 'mysql',
  3389: 'rdp',
  5432: 'postgres',
  5439: 'redshift',
  5721: 'tivoli',
  8022: 'ssh-alt',
  9389: 'adws',
};

/** A well-known service name for a port, or undefined. */
export function serviceName(port: number): string | undefined {
  return SERVICES[port];
}
