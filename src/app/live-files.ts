// Which of a live ingest's files to read at each load. Files are read once, whole, and only once
// they have stopped changing: a file still being written (copied, scp'd, written by a collector)
// would be stored half, and its whole self again later, since the store knows files by their
// bytes. A file stored before and changed since is not read again (that would store its old
// flows twice) but said once per change. Files unchanged since they were stored or failed are
// passed over by their size and modification time, without reading them again to hash them.

import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { expandInputs } from '../ingest/index.js';

/** Seconds a file must have gone unmodified before a live load reads it. */
export const SETTLE_SECONDS = 30;

/** What a load found in its inputs. */
export interface LivePick {
  /** to read now */
  readonly read: readonly string[];
  /** modified within the settle time, and not said at an earlier load: read at a later one */
  readonly waiting: readonly string[];
  /** stored before and changed since (said once per change): not read again */
  readonly changed: readonly string[];
  /** stored, or failed, and unchanged since */
  readonly unchanged: number;
}

const stampOf = (s: { size: number; mtimeMs: number }): string => `${s.size}:${s.mtimeMs}`;

export class LiveFiles {
  private readonly stored = new Map<string, string>();
  private readonly failed = new Map<string, string>();
  private readonly told = new Map<string, string>();
  /** files said to be still being written, until they are read */
  private readonly toldWaiting = new Set<string>();
  /** the stamps of the last pick's files to read, recorded by `done` */
  private picked = new Map<string, string>();

  constructor(
    private readonly inputs: readonly string[],
    private readonly exclude: readonly string[],
    private readonly settleSeconds: number = SETTLE_SECONDS,
  ) {}

  /** Lists the inputs and sorts their files; `nowMs` is the clock the settle time runs on. */
  async pick(nowMs: number): Promise<LivePick> {
    const found = await expandInputs(this.inputs, this.exclude);
    const read: string[] = [];
    const waiting: string[] = [];
    const changed: string[] = [];
    let unchanged = 0;
    this.picked = new Map();
    for (const f of found) {
      if (f.kind !== 'file') continue;
      const st = await stat(f.path).catch(() => undefined);
      if (st === undefined) continue; // gone since it was listed
      const key = resolve(f.path);
      const stamp = stampOf(st);
      const was = this.stored.get(key);
      if (was !== undefined) {
        if (was === stamp) unchanged++;
        else if (this.told.get(key) !== stamp) {
          this.told.set(key, stamp);
          changed.push(f.path);
        }
        continue;
      }
      if (this.failed.get(key) === stamp) {
        unchanged++;
        continue;
      }
      if (nowMs - st.mtimeMs < this.settleSeconds * 1000) {
        if (!this.toldWaiting.has(key)) waiting.push(f.path);
        this.toldWaiting.add(key);
        continue;
      }
      this.toldWaiting.delete(key);
      read.push(f.path);
      this.picked.set(f.path, stamp);
    }
    return { read, waiting, changed, unchanged };
  }

  /**
   * After a load of the last pick's files ended: each is stored (or found stored already) unless
   * it failed; a failed file is read again once it changes. A load that threw records nothing.
   */
  done(failed: readonly string[]): void {
    const bad = new Set(failed);
    for (const [path, stamp] of this.picked)
      (bad.has(path) ? this.failed : this.stored).set(resolve(path), stamp);
    this.picked = new Map();
  }
}
