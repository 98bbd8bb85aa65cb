import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli, tempDir } from '../../test/support/cli.js';
import { runIngest } from '../app/index.js';
import { DuckdbEngine } from '../engine/index.js';
import { HOURLY_TABLE, hourlyTable } from '../policy/index.js';
import { ident, type SqlNode, sql } from '../sql/index.js';
import { selfCommand, shellWord } from './commands/demo.js';
import { parseInterval, serveDashboard } from './commands/serve.js';

const HEADER =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';
const LINES = [
  '2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK',
  '2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 6 20 4249 1418530010 1418530070 REJECT OK',
  '2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA',
  '2 000000000001 eni-0f0f0f0f0f0f0f0f0 10.27.64.10 10.27.8.20 40001 1521 6 10 100000 1418530070 1418530130 ACCEPT OK',
];

let dir: string;
let db: string;
beforeEach(() => {
  dir = tempDir();
  db = join(dir, 'flows.duckdb');
  writeFileSync(join(dir, 'good.log.gz'), gzipSync(`${HEADER}\n${LINES.join('\n')}\n`));
});

/** A query's rows, through `flowsight sql --format json` on the test's store. */
async function sqlJson(query: string): Promise<unknown> {
  return JSON.parse((await runCli(['sql', '--db', db, '--format', 'json', query])).stdout);
}

async function storeState(): Promise<string> {
  const r = await runCli([
    'sql',
    '--db',
    db,
    '--format',
    'json',
    `SELECT count(*) AS n, sum(bytes) AS b, count(DISTINCT source) AS f, (SELECT sum(flows) FROM ${HOURLY_TABLE}) AS h FROM flows`,
  ]);
  const files = await runCli([
    'sql',
    '--db',
    db,
    '--format',
    'csv',
    'SELECT path, flows FROM flow_files ORDER BY path',
  ]);
  return r.stdout + files.stdout;
}

describe('flowsight ingest', () => {
  it('stores a gzip flow log and reports files, flows and rejections as JSON', async () => {
    writeFileSync(join(dir, 'mixed.log'), `${HEADER}\n${LINES[0]}\nnot a record\n`);
    const r = await runCli(['ingest', dir, '--db', db, '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      files: 2,
      flows: 5,
      skippedFiles: 0,
      rejected: 1,
      rejectedByReason: { 'field-count': 1 },
    });
    expect(out.samples).toEqual([
      { file: join(dir, 'mixed.log'), line: 3, reason: 'field-count', text: 'not a record' },
    ]);
  });

  it('names the field and the token of a line rejected as invalid-value', async () => {
    const bad = LINES[0]?.replace(' 20641 ', ' 70000 ');
    writeFileSync(join(dir, 'bad-port.log'), `${HEADER}\n${LINES[1]}\n${bad}\n`);
    const r = await runCli(['ingest', join(dir, 'bad-port.log'), '--db', db, '--json']);
    expect(JSON.parse(r.stdout).samples).toEqual([
      {
        file: join(dir, 'bad-port.log'),
        line: 3,
        reason: 'invalid-value',
        text: bad,
        field: 'srcport',
        value: '70000',
      },
    ]);
    const text = await runCli(['ingest', '-', '--db', db], { stdin: `${HEADER}\n${bad}\n${LINES[3]}\n` });
    expect(text.stdout).toContain("invalid-value (srcport '70000')");
  });

  it('skips a file it has already ingested and says so', async () => {
    await runCli(['ingest', join(dir, 'good.log.gz'), '--db', db]);
    const r = await runCli(['ingest', join(dir, 'good.log.gz'), '--db', db, '--json']);
    expect(JSON.parse(r.stdout)).toMatchObject({ files: 0, flows: 0, skippedFiles: 1 });
    const text = await runCli(['ingest', join(dir, 'good.log.gz'), '--db', db]);
    expect(text.stdout).toContain('skipped 1 file already ingested');
  });

  it('reads stdin when given -, gzip or not', async () => {
    const r = await runCli(['ingest', '-', '--db', db, '--json'], {
      stdin: gzipSync(`${HEADER}\n${LINES[0]}\n`),
    });
    expect(JSON.parse(r.stdout)).toMatchObject({ files: 1, flows: 1 });
  });

  it('uses --format for headerless input', async () => {
    const r = await runCli(
      ['ingest', '-', '--db', db, '--json', '--format', '${srcaddr} ${dstaddr} ${bytes}'],
      { stdin: '10.0.0.1 10.0.0.2 500\n' },
    );
    expect(JSON.parse(r.stdout)).toMatchObject({ flows: 1, rejected: 0 });
    const q = await sqlJson('SELECT srcaddr, dstaddr, bytes, action FROM flows');
    expect(q).toEqual([{ srcaddr: '10.0.0.1', dstaddr: '10.0.0.2', bytes: 500, action: null }]);
  });

  const bad: [string, (d: string) => string[], RegExp][] = [
    ['a missing file', (d) => [join(d, 'nope.log.gz')], /no such file or directory: '.*nope\.log\.gz'/],
    ['a glob matching nothing', (d) => [join(d, '*.parquet')], /no files match/],
    [
      'a file that is not a flow log',
      (d) => {
        writeFileSync(join(d, 'notes.txt'), 'Dear diary,\ntoday I read flow logs.\n');
        return [join(d, 'notes.txt')];
      },
      /'.*notes\.txt' does not look like a flow log/,
    ],
    [
      'a corrupt gzip',
      (d) => {
        writeFileSync(join(d, 'bad.log.gz'), gzipSync(`${HEADER}\n${LINES[0]}\n`.repeat(50)).subarray(0, 60));
        return [join(d, 'bad.log.gz')];
      },
      /'.*bad\.log\.gz' is not a valid gzip file/,
    ],
    [
      'a bad Parquet file',
      (d) => {
        writeFileSync(join(d, 'x.parquet'), Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(64, 7)]));
        return [join(d, 'x.parquet')];
      },
      /'.*x\.parquet' is not a readable Parquet file/,
    ],
  ];
  it.each(bad)(
    'rejects %s with a clear error and exit 1, leaving the store as it was',
    async (_what, make, message) => {
      await runCli(['ingest', join(dir, 'good.log.gz'), '--db', db]);
      const before = await storeState();
      const r = await runCli(['ingest', ...make(dir), '--db', db]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toMatch(/hint: /);
      expect(await storeState()).toBe(before);
    },
  );

  it('rejects a bad --format naming the token, exit 1, store unchanged', async () => {
    await runCli(['ingest', join(dir, 'good.log.gz'), '--db', db]);
    const before = await storeState();
    const r = await runCli([
      'ingest',
      join(dir, 'good.log.gz'),
      '--db',
      db,
      '--format',
      '${version} ${srcaddr',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/srcaddr/);
    expect(r.stderr).toMatch(/hint: /);
    expect(await storeState()).toBe(before);
  });
});

describe('flowsight top, flows and sql', () => {
  beforeEach(async () => {
    await runCli(['ingest', join(dir, 'good.log.gz'), '--db', db]);
  });

  it('top adds the remainder as one other row so rows sum to the total', async () => {
    const r = await runCli(['top', 'src', '--db', db, '--limit', '1', '--format', 'json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout);
    expect(rows).toEqual([
      { src: '10.27.64.10', bytes: 100000, share: expect.any(Number), other: false },
      { src: null, bytes: 8498, share: expect.any(Number), other: true },
    ]);
  });

  it('top by flows with a filter counts only matching traffic (never NODATA)', async () => {
    const r = await runCli([
      'top',
      'action',
      '--by',
      'flows',
      '--db',
      db,
      '--format',
      'json',
      '--filter',
      'proto tcp',
    ]);
    expect(JSON.parse(r.stdout).map((x: { action: string; flows: number }) => [x.action, x.flows])).toEqual([
      ['ACCEPT', 2],
      ['REJECT', 1],
    ]);
  });

  it('flows lists the matching flows with text addresses and UTC timestamps', async () => {
    const r = await runCli([
      'flows',
      '--db',
      db,
      '--format',
      'json',
      '--filter',
      'dst port 1521',
      '--columns',
      'start,srcaddr,dstaddr,account_id',
    ]);
    expect(JSON.parse(r.stdout)).toEqual([
      {
        start: '2014-12-14T04:07:50.000Z',
        srcaddr: '10.27.64.10',
        dstaddr: '10.27.8.20',
        account_id: '000000000001',
      },
    ]);
  });

  it('a bad filter is an error that points at the offending token', async () => {
    const before = await storeState();
    const r = await runCli(['flows', '--db', db, '--filter', 'src prot tcp']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/'prot'/);
    expect(r.stderr).toMatch(/column 5/);
    expect(r.stderr).toMatch(/hint: /);
    expect(await storeState()).toBe(before);
  });

  it('sql prints JSON with ISO timestamps, nulls and integer numbers', async () => {
    const r = await runCli([
      'sql',
      '--db',
      db,
      '--format',
      'json',
      "SELECT start, srcaddr, packets FROM flows WHERE log_status = 'NODATA'",
    ]);
    expect(JSON.parse(r.stdout)).toEqual([
      { start: '2015-05-10T18:01:16.000Z', srcaddr: null, packets: null },
    ]);
  });

  it.each([
    ['a write', 'DELETE FROM flow_wide', /read-only/],
    ['file access', "SELECT * FROM read_csv('/etc/hostname')", /cannot read or write files/],
  ])('sql refuses %s with a clear error', async (_what, query, message) => {
    const r = await runCli(['sql', '--db', db, query]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
  });

  it('usage errors exit 2 and --help exits 0 on every command', async () => {
    expect((await runCli(['top'])).code).toBe(2);
    expect((await runCli(['frobnicate'])).code).toBe(2);
    for (const cmd of ['ingest', 'sql', 'top', 'flows']) {
      const r = await runCli([cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: flowsight ${cmd}`);
    }
  });
});

/** A small demo, printed without serving the dashboard at the end. */
const demo = (out: string, seed: string) =>
  runCli(['demo', '--out', out, '--flows', '60000', '--hours', '4', '--seed', seed, '--no-serve']);

describe('flowsight demo', () => {
  it('generates, ingests and agrees with truth.json; a second run reuses the folder; another seed differs', async () => {
    const out = join(dir, 'demo');
    const first = await demo(out, '3');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^generated \d+ files/m);
    expect(first.stdout).toContain("The store agrees with the generator's truth.json");
    expect(first.stdout).toContain('Top talkers by bytes');
    expect(first.stdout).toContain(`serve --db ${join(out, 'demo.duckdb')}`);
    const again = await demo(out, '3');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^reused \d+ files/m);
    expect(again.stdout).toContain("The store agrees with the generator's truth.json");
    const other = await demo(join(dir, 'other'), '4');
    expect(other.code).toBe(0);
    const tops = (s: string) => s.split('Top talkers by bytes')[1]?.split('\n\n')[0];
    expect(tops(other.stdout)).not.toBe(tops(first.stdout));
    const clash = await demo(out, '5');
    expect(clash.code).toBe(1);
    expect(clash.stderr).toMatch(/holds a demo made with other options/);
  });
});

describe('flowsight serve --ingest', () => {
  it('reads --every as seconds, or with s, m or h, and refuses less than 10 s', () => {
    expect(parseInterval('90', '--every')).toBe(90);
    expect(parseInterval('30s', '--every')).toBe(30);
    expect(parseInterval(' 5m', '--every')).toBe(300);
    expect(parseInterval('1h', '--every')).toBe(3600);
    for (const bad of ['5', '0m', '1.5m', '5 min', 'm', '-30s', ''])
      expect(() => parseInterval(bad, '--every')).toThrow(
        /--every '.*' is not an interval of 10 seconds or more/,
      );
  });

  it('says what each load stored, and once, that a file still being written waits', async () => {
    const inbox = join(dir, 'inbox');
    mkdirSync(inbox);
    const settled = join(inbox, 'a.log');
    writeFileSync(settled, `${HEADER}\n${LINES[0]}\n${LINES[1]}\n`);
    const minuteAgo = Date.now() / 1000 - 60;
    utimesSync(settled, minuteAgo, minuteAgo);
    const fresh = join(inbox, 'b.log');
    writeFileSync(fresh, `${HEADER}\n${LINES[2]}\n`);
    let err = '';
    const io = {
      stdout: { write: () => true },
      stderr: {
        write: (s: string) => {
          err += s;
          return true;
        },
      },
      stdin: Readable.from([]),
      now: () => new Date('2026-12-05T12:00:00Z'),
      cwd: dir,
    };
    let stop = () => {};
    const until = new Promise<void>((ok) => (stop = ok));
    const served = serveDashboard(
      io,
      { db, host: '127.0.0.1', port: 0, ingest: { inputs: [inbox], everySeconds: 3600 } },
      until,
    );
    await vi.waitFor(() => expect(err).toContain('still being written'), { timeout: 30_000, interval: 100 });
    stop();
    await served;
    expect(err).toContain('2026-12-05 12:00:00 ingest: 2 flows from 1 files\n');
    expect(err).toContain(`ingest: ${fresh} is still being written: read once it has gone 30 s unmodified\n`);
  }, 60_000);

  it('refuses --every or --format without --ingest, before opening anything', async () => {
    const db = join(dir, 'none.duckdb');
    for (const flag of ['--every', '--format']) {
      const r = await runCli(['serve', '--db', db, flag, flag === '--every' ? '5m' : 'version srcaddr']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${flag} applies to --ingest, which is not given`);
    }
  });
});

describe("the demo's suggested commands", () => {
  it('run this flowsight from the folder the demo ran in', () => {
    expect(selfCommand('/work/fs/bin/flowsight.js', '/work/fs')).toBe('node bin/flowsight.js');
    expect(selfCommand('/work/fs/bin/flowsight.js', '/tmp')).toBe('node ../work/fs/bin/flowsight.js');
    expect(selfCommand('/work/fs/dist/cli/main.js', '/work/fs/x')).toBe('node ../dist/cli/main.js');
    expect(selfCommand('/work/fs/src/cli/main.ts', '/work/fs')).toBe('npx tsx src/cli/main.ts');
    expect(selfCommand('/p/node_modules/.bin/flowsight', '/p')).toBe('npx flowsight');
    expect(selfCommand('/usr/local/bin/flowsight', '/p')).toBe('flowsight');
    expect(selfCommand('/p/node_modules/vitest/vitest.mjs', '/p')).toBe('flowsight');
    expect(selfCommand(undefined, '/p')).toBe('flowsight');
    expect(selfCommand('/my work/bin/flowsight.js', '/tmp')).toBe("node '../my work/bin/flowsight.js'");
  });

  it('quote a path only when the shell would change it', () => {
    expect(shellWord('/tmp/demo-1/demo.duckdb')).toBe('/tmp/demo-1/demo.duckdb');
    expect(shellWord('my demo/demo.duckdb')).toBe("'my demo/demo.duckdb'");
    expect(shellWord("it's.duckdb")).toBe(`'it'\\''s.duckdb'`);
    expect(shellWord('a$b')).toBe("'a$b'");
  });
});

describe('flowsight ingest of Parquet as AWS delivers it', () => {
  it('reads typed columns, pads an int64 account_id to 12 digits and keeps missing values NULL', async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const file = join(dir, 'flows.parquet');
    const inst = await DuckDBInstance.create(':memory:');
    const c = await inst.connect();
    await c.run(`COPY (SELECT * FROM (VALUES
        (5, 123456789012::BIGINT, 'eni-0a1b2c3d4e5f60718', '10.27.64.5', '10.27.8.9', 40001, 1521, 6, 10::BIGINT, 5000::BIGINT, 1764000000::BIGINT, 1764000060::BIGINT, 'ACCEPT', 'OK', 'vpc-0abc', NULL),
        (5, 42::BIGINT, 'eni-0a1b2c3d4e5f60718', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1764000000::BIGINT, 1764000060::BIGINT, NULL, 'NODATA', 'vpc-0abc', NULL)
      ) t(version, account_id, interface_id, srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, start, "end", action, log_status, vpc_id, tcp_flags))
      TO '${file}' (FORMAT parquet, COMPRESSION gzip)`);
    c.closeSync();
    inst.closeSync();
    const r = await runCli(['ingest', file, '--db', db, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ files: 1, flows: 2, rejected: 0 });
    const q = await sqlJson(
      'SELECT account_id, srcaddr, dstport, bytes, log_status, tcp_flags FROM flows ORDER BY log_status',
    );
    expect(q).toEqual([
      {
        account_id: '123456789012',
        srcaddr: '10.27.64.5',
        dstport: 1521,
        bytes: 5000,
        log_status: 'OK',
        tcp_flags: null,
      },
      {
        account_id: '000000000042',
        srcaddr: null,
        dstport: null,
        bytes: null,
        log_status: 'NODATA',
        tcp_flags: null,
      },
    ]);
  });
});

describe('flowsight ingest with parse workers', () => {
  it.each([0, 1, 2])(
    'with --workers %i, stores every good file of a folder and nothing of a corrupt one in its middle',
    async (workers) => {
      const src = join(dir, 'mixed');
      const { mkdirSync } = await import('node:fs');
      mkdirSync(src);
      writeFileSync(join(src, 'a.log.gz'), gzipSync(`${HEADER}\n${LINES[0]}\n${LINES[1]}\n`));
      writeFileSync(
        join(src, 'b.log.gz'),
        gzipSync(`${HEADER}\n${LINES.join('\n')}\n`.repeat(400)).subarray(0, 300),
      );
      writeFileSync(join(src, 'c.log'), `${HEADER}\n${LINES[3]}\n`);
      const r = await runCli(['ingest', src, '--db', db, '--json', '--workers', String(workers)]);
      expect(r.code).toBe(1);
      const out = JSON.parse(r.stdout);
      expect(out).toMatchObject({ files: 2, flows: 3, skippedFiles: 0 });
      expect(out.failedFiles).toEqual([
        expect.objectContaining({ file: join(src, 'b.log.gz'), code: 'ingest.corrupt' }),
      ]);
      const q = await sqlJson('SELECT source, count(*) AS n FROM flows GROUP BY ALL ORDER BY source');
      expect(q).toEqual([
        { source: join(src, 'a.log.gz'), n: 2 },
        { source: join(src, 'c.log'), n: 1 },
      ]);
      const again = await runCli(['ingest', src, '--db', db, '--json', '--workers', String(workers)]);
      expect(JSON.parse(again.stdout)).toMatchObject({ files: 0, skippedFiles: 2 });
    },
  );

  it.each([0, 1, 2])(
    'with --workers %i, reads a file and its copy under another name in one run once',
    async (workers) => {
      const src = join(dir, 'copies');
      const { mkdirSync } = await import('node:fs');
      mkdirSync(src);
      const bytes = gzipSync(`${HEADER}\n${LINES[0]}\n${LINES[1]}\n`);
      // side by side in the queue: with two lanes both are read at once
      writeFileSync(join(src, 'a.log.gz'), bytes);
      writeFileSync(join(src, 'a-copy.log.gz'), bytes);
      writeFileSync(join(src, 'c.log'), `${HEADER}\n${LINES[3]}\n`);
      const r = await runCli(['ingest', src, '--db', db, '--workers', String(workers)]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('ingested 2 files, 3 flows');
      expect(r.stdout).toMatch(
        /skipped 1 file already ingested\n\s+\S+a(-copy)?\.log\.gz \(same bytes as \S+a(-copy)?\.log\.gz\)/,
      );
      const q = await sqlJson('SELECT count(*) AS n, count(DISTINCT source) AS files FROM flows');
      expect(q).toEqual([{ n: 3, files: 2 }]);
    },
  );
});

describe('flowsight ingest in transactions', () => {
  it('ends a group of files where the flows read and those still being read reach its size: the lanes finish together', async () => {
    // six files of 100 flows each, two lanes, 200 flows per transaction: a lane that finished
    // its file stops taking more while the other's, as large, is still being read
    const src = join(dir, 'six');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(src);
    for (let f = 0; f < 6; f++) {
      const lines = Array.from({ length: 100 }, (_, i) => {
        const t = 1700000000 + f * 600 + i;
        return `2 123456789012 eni-0a1b2c3d4e5f60718 10.0.${f}.${i} 10.1.0.1 ${40000 + i} 443 6 2 120 ${t} ${t + 10} ACCEPT OK`;
      });
      writeFileSync(join(src, `f${f}.log`), `${HEADER}\n${lines.join('\n')}\n`);
    }
    const report = await runIngest({ db }, { inputs: [src], workers: 2, groupFlows: 200 });
    expect(report).toMatchObject({ files: 6, flows: 600, transactions: 3 });
    expect(await sqlJson('SELECT count(*) AS n FROM flows')).toEqual([{ n: 600 }]);
  });
});

describe('flowsight ingest when the store runs out of memory', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  /**
   * 50 000 flows: more than DuckDB can hold in 16 MB before the commit when it loads on two
   * threads (FLOWSIGHT_LOAD_THREADS=2; on one, the default, they fit). Every other one is NAT'd
   * (pkt-srcaddr differs), so both flow_core and flow_wide take half.
   */
  function bigLog(path: string): void {
    const lines = [`${HEADER} pkt-srcaddr pkt-dstaddr`];
    for (let i = 0; i < 50_000; i++) {
      const src = `10.0.${(i >> 8) & 255}.${i & 255}`;
      lines.push(
        `5 123456789010 eni-0${(i % 50).toString(16).padStart(16, '0')} ${src} 172.31.9.12 ${1024 + (i % 60000)} 443 6 ${(i % 90) + 1} ${(i * 37) % 100000} ${1700000000 + i} ${1700000060 + i} ACCEPT OK ${i % 2 === 0 ? src : '100.64.0.1'} 172.31.9.12`,
      );
    }
    writeFileSync(path, `${lines.join('\n')}\n`);
  }

  it.each([0, 2])(
    'with --workers %i, stops with a clear error naming the limit, keeps what was stored, and a later run with more memory finishes',
    async (workers) => {
      vi.stubEnv('FLOWSIGHT_LOAD_THREADS', '2');
      const small = await runCli(['ingest', join(dir, 'good.log.gz'), '--db', db, '--memory-limit', '16MB']);
      expect(small.code).toBe(0);
      const before = await storeState();
      const big = join(dir, 'big.log');
      bigLog(big);
      const r = await runCli([
        'ingest',
        big,
        '--db',
        db,
        '--memory-limit',
        '16MB',
        '--workers',
        String(workers),
      ]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/the store ran out of its 15\.\d MiB memory limit while writing flows/);
      expect(r.stderr).toMatch(/hint: run again with a higher --memory-limit/);
      expect(await storeState()).toBe(before);
      const again = await runCli(['ingest', dir, '--db', db, '--json', '--workers', String(workers)]);
      expect(JSON.parse(again.stdout)).toMatchObject({ files: 1, flows: 50_000, skippedFiles: 1 });
    },
  );

  it('loads on one DuckDB thread by default, where the same flows fit in 16 MB', async () => {
    const big = join(dir, 'big.log');
    bigLog(big);
    const r = await runCli(['ingest', big, '--db', db, '--memory-limit', '16MB', '--json']);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ files: 1, flows: 50_000 });
    expect(await sqlJson('SELECT count(*) AS n FROM flows')).toEqual([{ n: 50_000 }]);
    // the store keeps DuckDB's thread count: a query after the ingest still uses every core
    expect(await sqlJson("SELECT current_setting('threads') AS t")).toEqual([{ t: availableParallelism() }]);
  });

  it('refuses a FLOWSIGHT_LOAD_THREADS that is not a whole number, naming it, before touching the store', async () => {
    vi.stubEnv('FLOWSIGHT_LOAD_THREADS', 'two');
    const r = await runCli(['ingest', join(dir, 'good.log.gz'), '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/FLOWSIGHT_LOAD_THREADS must be a whole number >= 1, got 'two'/);
    expect(r.stderr).toMatch(/hint: unset it/);
    expect(existsSync(db)).toBe(false);
  });

  /**
   * The check's hourly rows, kept transaction by transaction (only where they sum flows up),
   * are for every hour they hold what one pass over that hour's flows makes. Returns the flows
   * they hold and the flows stored.
   */
  async function hourlyRowsOfTheirHours(): Promise<{ kept: bigint; stored: bigint }> {
    const engine = await DuckdbEngine.open({ path: db, readOnly: true });
    try {
      const merged = (from: SqlNode) =>
        sql`SELECT * EXCLUDE (flows, bytes, t_first, t_last, minutes), sum(flows) AS flows, sum(bytes) AS bytes, min(t_first) AS t_first, max(t_last) AS t_last, bit_or(minutes) AS minutes
  FROM (${from}) WHERE hour IN (SELECT hour FROM ${ident(HOURLY_TABLE)}) GROUP BY ALL`;
      const kept = merged(sql`SELECT * FROM ${ident(HOURLY_TABLE)}`);
      const all = merged(hourlyTable.rows());
      const diff = await engine.query(
        sql`SELECT count(*) AS n FROM ((${kept} EXCEPT ${all}) UNION ALL (${all} EXCEPT ${kept}))`,
      );
      expect(diff.rows).toEqual([{ n: 0n }]);
      const flows = await engine.query(
        sql`SELECT (SELECT coalesce(sum(flows), 0) FROM ${ident(HOURLY_TABLE)} WHERE grouping = 0) AS kept, (SELECT count(*) FROM flow_store WHERE log_status = 'OK') AS stored`,
      );
      return (flows.rows as { kept: bigint; stored: bigint }[])[0] as { kept: bigint; stored: bigint };
    } finally {
      await engine.close();
    }
  }

  it.each([0, 2])(
    'with --workers %i and limits to climb, rolls back, raises the limit and reads the same files again',
    async (workers) => {
      vi.stubEnv('FLOWSIGHT_LOAD_THREADS', '2');
      const big = join(dir, 'big.log');
      bigLog(big);
      const report = await runIngest({ db }, { inputs: [dir], workers, memoryLimit: ['16MB', '256MB'] });
      expect(report).toMatchObject({ files: 2, flows: 50_004, failed: [], memoryLimit: '256MB' });
      // nothing of the rolled-back attempt stays behind, in either table
      const q = await sqlJson(
        'SELECT (SELECT count(*) FROM flow_core) AS core, (SELECT count(*) FROM flow_wide) AS wide',
      );
      expect(q).toEqual([{ core: 25_004, wide: 25_000 }]);
      // 50 000 conversations seen once each: hourly rows would not sum them up, none are kept
      expect(await hourlyRowsOfTheirHours()).toEqual({ kept: 0n, stored: 50_003n });
    },
  );

  it('keeps one hourly row per key for flows of the same hours stored by separate runs, as one pass over them would', async () => {
    // five clients talking to one server every 30 s for 100 minutes: each run sees every
    // conversation in the same hours
    const lines = Array.from({ length: 200 }, (_, i) => {
      const t = 1700000000 + i * 30;
      return `5 123456789010 eni-0${(i % 3).toString(16).padStart(16, '0')} 10.0.0.${i % 5} 172.31.9.12 ${40000 + i} 443 6 3 600 ${t} ${t + 20} ACCEPT OK 10.0.0.${i % 5} 172.31.9.12`;
    });
    const header = `${HEADER} pkt-srcaddr pkt-dstaddr`;
    const minutesType = async () =>
      sqlJson(
        `SELECT data_type FROM duckdb_columns() WHERE table_name = '${HOURLY_TABLE}' AND column_name = 'minutes'`,
      );
    for (const half of [0, 1]) {
      const part = join(dir, `half-${half}.log`);
      writeFileSync(part, `${[header, ...lines.filter((_, i) => i % 2 === half)].join('\n')}\n`);
      expect((await runCli(['ingest', part, '--db', db])).code).toBe(0);
      expect(await minutesType()).toEqual([{ data_type: 'BIGINT' }]);
      if (half === 0) {
        // the first run's table as flowsight wrote it before 64-bit masks: the next run narrows it
        const engine = await DuckdbEngine.open({ path: db, readOnly: false });
        await engine.connection.run(`ALTER TABLE ${HOURLY_TABLE} ALTER minutes TYPE HUGEINT`);
        await engine.close();
        expect(await minutesType()).toEqual([{ data_type: 'HUGEINT' }]);
      }
    }
    // conversations that repeat: every flow is in the hourly rows
    expect(await hourlyRowsOfTheirHours()).toEqual({ kept: 200n, stored: 200n });
    // the second run's hours were merged with the first's: one row per hour and key
    const rows = await sqlJson(
      `SELECT count(*) AS n, count(DISTINCT (grouping, hour, s4, d4, s6, d6, pk, action, h4, h6, interface_id, cap4, cap6, subnet_id, vpc_id)) AS keys FROM ${HOURLY_TABLE}`,
    );
    const [{ n, keys }] = rows as [{ n: number; keys: number }];
    expect(n).toBe(keys);
    expect(n).toBeGreaterThan(10);
    // stored by hour and key (as kept, and as merged): the order they compress best in
    const unsorted = await sqlJson(
      `SELECT count(*) AS n FROM (SELECT row_number() OVER (ORDER BY rowid) AS stored,
        row_number() OVER (ORDER BY grouping, hour, s4, d4, pk, rowid) AS sorted FROM ${HOURLY_TABLE}) WHERE stored <> sorted`,
    );
    expect(unsorted).toEqual([{ n: 0 }]);
    // ingest's estimate of the rows (what decides whether they are staged at all) is near them
    const engine = await DuckdbEngine.open({ path: db, readOnly: true });
    const [estimate] = (await engine.query(hourlyTable.estimate())).rows as [{ rows: bigint; flows: bigint }];
    await engine.close();
    expect(estimate.flows).toBe(200n);
    expect(Math.abs(Number(estimate.rows) - n)).toBeLessThanOrEqual(Math.ceil(n * 0.1));
  });

  it('refuses a memory limit without a unit or below 16 MB, naming the flag', async () => {
    for (const bad of ['512', '8MB', 'lots']) {
      const r = await runCli(['ingest', dir, '--db', db, '--memory-limit', bad]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`--memory-limit '${bad}' is not a memory size of at least 16 MB`);
    }
  });
});
