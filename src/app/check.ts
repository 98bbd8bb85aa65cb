// flowsight check: reads a policy file and the platform files it imports, runs the policy's
// queries on a read-only engine (every flow is judged inside DuckDB), returns the findings.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { DuckdbEngine } from '../engine/index.js';
import { UserError } from '../errors.js';
import {
  type CheckResult,
  emptyPolicy,
  evaluateCheck,
  type FindingKind,
  type ImportedFile,
  type Policy,
  parsePolicy,
  type ReadImport,
} from '../policy/index.js';

export interface CheckRequest {
  /** the store */
  readonly db: string;
  /** the policy file; none: the built-in checks only */
  readonly policy?: string;
  /** epoch seconds */
  readonly since?: number;
  readonly until?: number;
  /** the clock (which exceptions have expired) */
  readonly now: Date;
  readonly failOn?: readonly FindingKind[];
}

function unreadable(path: string, at: string | undefined, e: unknown): UserError {
  const reason =
    (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message;
  return new UserError('policy.unreadable', `cannot read '${path}': ${reason}`, {
    ...(at === undefined ? {} : { at }),
    hint: 'paths in a policy are relative to the policy file; check the name',
    cause: e,
  });
}

/** Reads what a policy imports, relative to the policy file's folder. */
export function importReader(policyFile: string): ReadImport {
  const base = dirname(policyFile);
  const shown = (p: string) => relative(process.cwd(), p) || p;
  return (r) => {
    const path = isAbsolute(r.path) ? r.path : join(base, r.path);
    try {
      if (r.kind === 'file') return [{ name: shown(path), text: readFileSync(path, 'utf8') }];
      if (!statSync(path).isDirectory())
        throw new UserError('policy.import', `'${r.path}' is not a folder`, {
          at: r.at,
          hint: 'networks: names a folder of <vpc>.json files',
        });
      return readdirSync(path)
        .filter((n) => n.endsWith(r.extension))
        .sort()
        .map(
          (n): ImportedFile => ({ name: shown(join(path, n)), text: readFileSync(join(path, n), 'utf8') }),
        );
    } catch (e) {
      if (e instanceof UserError) throw e;
      throw unreadable(r.path, r.at, e);
    }
  };
}

/** Loads a policy file and its imports; every problem is a `policy.*` UserError with file:line:col. */
export function loadPolicy(file: string): Policy {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw unreadable(file, undefined, e);
  }
  return parsePolicy(text, relative(process.cwd(), file) || file, importReader(file));
}

export async function runCheck(req: CheckRequest): Promise<CheckResult> {
  const policy = req.policy === undefined ? emptyPolicy() : loadPolicy(req.policy);
  const engine = await DuckdbEngine.open({ path: req.db, readOnly: true });
  try {
    return await evaluateCheck(
      policy,
      {
        ...(req.since === undefined ? {} : { since: req.since }),
        ...(req.until === undefined ? {} : { until: req.until }),
        now: Math.floor(req.now.getTime() / 1000),
        ...(req.failOn === undefined ? {} : { failOn: req.failOn }),
      },
      async (node) => (await engine.query(node)).rows,
    );
  } finally {
    await engine.close();
  }
}
