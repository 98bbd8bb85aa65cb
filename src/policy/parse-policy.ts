// A policy file -> Policy. Reads the YAML with positions, asks the caller for the files it
// imports, builds the segment table, then rules, expectations, exceptions and the health check,
// each reference resolved to segment codes. Every error is a UserError with file:line:col.

import { importNetworks, type ReadImport } from './import-networks.js';
import type { Policy } from './model.js';
import { refsOf } from './parse-match.js';
import { parseExceptions, parseExpectations, parseRules } from './parse-rules.js';
import { parseSegments } from './parse-segments.js';
import { createResolver, namesOf } from './refs.js';
import { type SegmentDef, segmentTable } from './segments.js';
import {
  duration,
  fields,
  integer,
  list,
  loadYaml,
  optionalText,
  policyError,
  text,
  type Value,
} from './yaml-reader.js';

const ROOT_KEYS = [
  'version',
  'description',
  'import',
  'segments',
  'rules',
  'expectations',
  'exceptions',
  'health',
  'evidence',
];

/** Reads nothing: for a policy without imports (tests, the empty policy). */
export const NO_IMPORTS: ReadImport = (r) => {
  throw policyError(
    'policy.import',
    `this policy cannot import ${r.path}`,
    r.at,
    'pass a reader for the files a policy imports',
  );
};

function checkUnique(items: readonly { name: string; at: string }[], what: string): void {
  const seen = new Map<string, string>();
  for (const x of items) {
    const before = seen.get(x.name);
    if (before !== undefined)
      throw policyError(
        'policy.invalid',
        `${what} '${x.name}' is defined twice (first at ${before})`,
        x.at,
        `give each ${what} its own name: findings are grouped by it`,
      );
    seen.set(x.name, x.at);
  }
}

function health(
  v: Value | undefined,
  resolve: ReturnType<typeof createResolver>,
  table: ReturnType<typeof segmentTable>,
): Policy['health'] {
  if (v === undefined) return null;
  const f = fields(v, ['gap', 'segments'], ['segments']);
  const refs = refsOf(f.get('segments'));
  for (const r of refs) {
    if (r.text === 'any' || namesOf(table, r).some((n) => n === 'internet' || n.startsWith('internet/'))) {
      throw policyError(
        'policy.invalid',
        `health segments cannot include '${r.text}': the internet has no flow logs`,
        r.at,
        'list the segments whose VPCs have flow logs',
      );
    }
  }
  const gap = f.get('gap');
  return { gap: gap === undefined ? 900 : duration(gap), segments: resolve(refs) };
}

/**
 * Parses a policy. `file` names it in errors; `read` returns the files an `import:` entry names
 * (paths as written; the caller resolves them against the policy's folder).
 */
export function parsePolicy(source: string, file: string, read: ReadImport = NO_IMPORTS): Policy {
  const root = loadYaml(source, file);
  if (root.node === null || root.node === undefined) {
    throw policyError(
      'policy.invalid',
      `${file} is empty`,
      `${file}:1:1`,
      'start from examples/platform/policy.yaml',
    );
  }
  const f = fields(root, ROOT_KEYS);
  const version = f.get('version');
  if (version !== undefined && text(version) !== '1') {
    throw policyError(
      'policy.bad-value',
      `policy version '${text(version)}' is not supported`,
      version.at,
      'write version: 1',
    );
  }
  const imports = f.get('import');
  const defs: SegmentDef[] = [
    ...(imports === undefined ? [] : list(imports).flatMap((x) => importNetworks(x, read))),
    ...parseSegments(f.get('segments')),
  ];
  const table = segmentTable(defs);
  const resolve = createResolver(table);
  const rules = parseRules(f.get('rules'), resolve);
  const names = (refs: readonly { text: string; at: string }[]) => [
    ...new Set(refs.flatMap((r) => namesOf(table, r))),
  ];
  const expectations = parseExpectations(f.get('expectations'), resolve, names);
  checkUnique([...rules, ...expectations], 'rule or expectation');
  const exceptions = parseExceptions(
    f.get('exceptions'),
    resolve,
    rules.map((r) => r.name),
  );
  checkUnique(exceptions, 'exception');
  const evidence = f.get('evidence');
  return Object.freeze({
    file,
    description: optionalText(f.get('description')) ?? '',
    segments: table.segments,
    tops: table.tops,
    rules,
    expectations,
    exceptions,
    health: health(f.get('health'), resolve, table),
    evidence: evidence === undefined ? 5 : integer(evidence, 0, 100),
  });
}

/** A policy with no segments but the internet and no rules: the built-in checks only. */
export function emptyPolicy(): Policy {
  return parsePolicy('version: 1\n', '(no policy)');
}
