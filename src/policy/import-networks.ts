// Segments from a platform's own files: a folder of Modernisation Platform
// `environments-networks/<vpc>.json` (cidr.subnet_sets.<set>.cidr and .accounts, options) and a
// tier template that splits each subnet set's range into tiers by offsets. The `general` set of
// laa-production.json becomes `laa-production` with `laa-production/private`, `.../data`, ...;
// another set `x` becomes `laa-production/x` with its own tiers. The files are read by the
// caller (app/) and handed in as text: this module does no I/O.

import { type Cidr, formatAddress } from '../flow/index.js';
import { BITS } from './intervals.js';
import { checkName, cidrOf } from './parse-segments.js';
import { NO_IDS, type SegmentDef } from './segments.js';
import {
  entries,
  fields,
  list,
  loadYaml,
  looseFields,
  optionalText,
  policyError,
  text,
  type Value,
} from './yaml-reader.js';

/** What the policy asks the caller to read; `at` is where the policy names it (for errors). */
export type ImportRequest =
  | { readonly kind: 'folder'; readonly path: string; readonly at: string; readonly extension: string }
  | { readonly kind: 'file'; readonly path: string; readonly at: string };

export interface ImportedFile {
  /** the path shown in errors */
  readonly name: string;
  readonly text: string;
}

/** Reads a file (one result) or a folder's files with the extension (sorted by name). */
export type ReadImport = (request: ImportRequest) => readonly ImportedFile[];

interface Tier {
  readonly name: string;
  readonly offsets: readonly { readonly offset: Cidr; readonly v: Value }[];
}

interface Template {
  readonly prefix: number | null;
  readonly tiers: readonly Tier[];
  readonly file: string;
}

function readTemplate(file: ImportedFile): Template {
  const root = fields(loadYaml(file.text, file.name), ['prefix', 'tiers', 'description'], ['tiers']);
  const p = root.get('prefix');
  const prefix = p === undefined ? null : Number(text(p));
  if (prefix !== null && !(Number.isInteger(prefix) && prefix >= 0 && prefix <= 32)) {
    throw policyError(
      'policy.bad-value',
      `prefix '${text(p as Value)}' is not a prefix length`,
      (p as Value).at,
      'write the size of the subnet sets the template fits, e.g. 21',
    );
  }
  const tiers = entries(root.get('tiers') as Value, 'tier').map(([name, v, at]) => {
    checkName(name, at, 'tier');
    const offsets = list(v).map((x) => {
      const t = text(x);
      if (!t.startsWith('+'))
        throw policyError(
          'policy.bad-value',
          `tier offset '${t}' must start with +`,
          x.at,
          'write the offset from the start of the subnet set, e.g. +0.0.3.128/25',
        );
      return { offset: cidrOf(t.slice(1), x), v: x };
    });
    return { name, offsets };
  });
  return { prefix, tiers, file: file.name };
}

function tierCidrs(set: Cidr, tier: Tier): Cidr[] {
  return tier.offsets.map(({ offset, v }) => {
    const first = set.first + offset.first;
    const size = offset.last - offset.first;
    const mask = (1n << BigInt(BITS[set.family] - offset.prefix)) - 1n;
    if (offset.family !== set.family || (first & mask) !== 0n || first + size > set.last) {
      throw policyError(
        'policy.bad-value',
        `tier ${tier.name} offset ${text(v)} does not fit inside ${set.text}`,
        v.at,
        "offsets are added to the subnet set's first address and must stay inside it, aligned to their prefix",
      );
    }
    const net = formatAddress({ family: set.family, value: first });
    return {
      family: set.family,
      first,
      last: first + size,
      prefix: offset.prefix,
      text: `${net}/${offset.prefix}`,
    };
  });
}

function setSegments(
  vpc: string,
  setName: string,
  v: Value,
  template: Template,
  extra: readonly Cidr[],
): SegmentDef[] {
  const f = looseFields(v);
  const cidrValue = f.get('cidr');
  if (cidrValue === undefined)
    throw policyError(
      'policy.invalid',
      `subnet set '${setName}' has no cidr`,
      v.at,
      'each subnet set needs "cidr": "10.27.64.0/21"',
    );
  const cidr = cidrOf(text(cidrValue), cidrValue);
  if (template.prefix !== null && cidr.prefix !== template.prefix) {
    throw policyError(
      'policy.bad-value',
      `subnet set ${cidr.text} is a /${cidr.prefix}; the tier template ${template.file} fits /${template.prefix}`,
      cidrValue.at,
      'use a tier template for this size, or leave prefix out of the template',
    );
  }
  const accounts = f.get('accounts');
  const names = accounts === undefined ? [] : list(accounts).map(text);
  const name = setName === 'general' ? vpc : `${vpc}/${setName}`;
  const at = v.at;
  const description =
    names.length === 0
      ? undefined
      : `accounts: ${names.slice(0, 6).join(', ')}${names.length > 6 ? `, +${names.length - 6} more` : ''}`;
  const own: SegmentDef = {
    name,
    at,
    cidrs: [cidr, ...extra],
    ids: NO_IDS,
    include: [],
    origin: 'imported',
    ...(description === undefined ? {} : { description }),
  };
  const tiers = template.tiers.map(
    (t): SegmentDef => ({
      name: `${name}/${t.name}`,
      at,
      cidrs: tierCidrs(cidr, t),
      ids: NO_IDS,
      include: [],
      origin: 'imported',
    }),
  );
  return [own, ...tiers];
}

/** Segments of one environments-networks file; `vpc` is its name without `.json`. */
function networkSegments(file: ImportedFile, template: Template): SegmentDef[] {
  const vpc = (file.name.split('/').pop() as string).replace(/\.json$/, '');
  const root = loadYaml(file.text, file.name);
  checkName(vpc, root.at, 'VPC (file)');
  const top = looseFields(root);
  const cidr = top.get('cidr');
  if (cidr === undefined)
    throw policyError(
      'policy.invalid',
      `${file.name} has no "cidr" object`,
      root.at,
      'an environments-networks file has cidr.subnet_sets.<set>.cidr',
    );
  const c = looseFields(cidr);
  const sets = c.get('subnet_sets');
  if (sets === undefined)
    throw policyError(
      'policy.invalid',
      `${file.name} has no cidr.subnet_sets`,
      cidr.at,
      'an environments-networks file has cidr.subnet_sets.<set>.cidr',
    );
  const options = top.get('options');
  const additional = options === undefined ? undefined : looseFields(options).get('additional_cidrs');
  const extra = additional === undefined ? [] : list(additional).map((x) => cidrOf(text(x), x));
  const out = entries(sets, 'subnet set').flatMap(([setName, v], i) =>
    setSegments(vpc, setName, v, template, i === 0 ? extra : []),
  );
  // some files name the protected and transit-gateway ranges outright
  for (const [key, tier] of [
    ['protected', 'protected'],
    ['transit_gateway', 'transit-gateway'],
  ] as const) {
    const x = c.get(key);
    if (x === undefined) continue;
    const name = `${vpc}/${tier}`;
    const existing = out.findIndex((d) => d.name === name);
    const block = cidrOf(text(x), x);
    if (existing >= 0)
      out[existing] = {
        ...(out[existing] as SegmentDef),
        cidrs: [...(out[existing] as SegmentDef).cidrs, block],
      };
    else out.push({ name, at: x.at, cidrs: [block], ids: NO_IDS, include: [], origin: 'imported' });
  }
  return out;
}

/** The segments of one `import:` entry: { networks: <folder>, tiers: <file>, group?: <name> }. */
export function importNetworks(v: Value, read: ReadImport): SegmentDef[] {
  const f = fields(v, ['networks', 'tiers', 'group'], ['networks', 'tiers']);
  const networks = f.get('networks') as Value;
  const tiers = f.get('tiers') as Value;
  const [templateFile] = read({ kind: 'file', path: text(tiers), at: tiers.at });
  if (templateFile === undefined) throw new Error('readImport returned no file');
  const template = readTemplate(templateFile);
  const files = read({ kind: 'folder', path: text(networks), at: networks.at, extension: '.json' });
  if (files.length === 0) {
    throw policyError(
      'policy.import',
      `no .json files in ${text(networks)}`,
      networks.at,
      'point networks: at a folder of environments-networks/<vpc>.json files',
    );
  }
  const defs = files.flatMap((file) => networkSegments(file, template));
  const group = optionalText(f.get('group'));
  if (group !== undefined) {
    const g = f.get('group') as Value;
    checkName(group, g.at);
    const vpcs = [...new Set(defs.map((d) => d.name.split('/')[0] as string))];
    defs.push({
      name: group,
      at: g.at,
      cidrs: [],
      ids: NO_IDS,
      include: vpcs.map((n) => ({ text: n, at: g.at })),
      origin: 'imported',
      description: `the VPCs of ${text(networks)}`,
    });
  }
  return defs;
}
