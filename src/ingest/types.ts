// The ingest pipeline's contracts: where flows go (FlowSink), what a run is told and reports.

import type { Readable } from 'node:stream';
import type { UserError } from '../errors.js';
import type { BatchPool, FlowBatch } from '../flow/index.js';
import type { Layout, RejectSample } from './parse/index.js';
import type { ParsePool } from './parse-pool.js';

/**
 * Where parsed flows go: the store's writer, behind a seam so ingest needs no engine. A
 * transaction holds whole files; commit() stores them with their flows, rollback() drops them.
 */
export interface FlowSink {
  findIngested(size: number, hash: string): { readonly path: string } | undefined;
  readonly inTransaction: boolean;
  begin(): Promise<void>;
  /** starts a file in the open transaction (several may be open at once); returns its id */
  startFile(): number;
  /**
   * Takes a batch of a started file. A promise means the sink still reads the batch (or waits for
   * room): leave the batch untouched until it settles, and take no more of this file till then.
   */
  append(batch: FlowBatch, fileId: number): Promise<void> | undefined | void;
  endFile(fileId: number, file: { path: string; size: number; hash: string }, rejected: number): void;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  /**
   * After the store ran out of memory (store.out-of-memory) and the transaction was rolled
   * back: raises the store's memory limit and returns it, or undefined when it may not grow.
   */
  growMemory?(): Promise<string | undefined>;
  /**
   * Flows the next transaction should hold, about, when the sink knows better than the default
   * (IngestOptions.groupFlows still wins): e.g. less while it keeps per-transaction rows beside
   * the flows, whose grouping needs memory by the transaction's size.
   */
  groupFlows?(): number | undefined;
}

export interface IngestProgress {
  readonly file: string;
  readonly filesDone: number;
  readonly filesTotal: number;
  readonly bytesDone: number;
  readonly bytesTotal: number;
  readonly flows: number;
}

export interface IngestOptions {
  readonly format?: Layout;
  readonly maxSamples?: number;
  readonly stdin?: Readable;
  /** files never to read, e.g. the store and its write-ahead log */
  readonly exclude?: readonly string[];
  readonly onProgress?: (p: IngestProgress) => void;
  /** parse worker threads; 0 parses on the main thread (default: `defaultWorkers()`) */
  readonly workers?: number;
  /** batches to reuse; one per run is made when not given */
  readonly pool?: BatchPool;
  /** flows per transaction, about (default 2 000 000): the group of files ends where it reaches them */
  readonly groupFlows?: number;
  /**
   * parse workers started before (`startParseWorkers`), so that they boot while the store opens;
   * the caller closes them. Used when `workers` is not 0 and there are files to read.
   */
  readonly parseWorkers?: ParsePool;
}

export interface IngestReport {
  files: number;
  flows: number;
  skippedFiles: number;
  skipped: { path: string; sameAs: string }[];
  rejected: number;
  rejectedByReason: Record<string, number>;
  samples: RejectSample[];
  startAfterEnd: number;
  failed: { path: string; error: UserError }[];
  /** the store's memory limit, when the run had to raise it (FlowSink.growMemory) */
  memoryLimit?: string;
  /** transactions committed: groups of whole files */
  transactions: number;
  /** which text parser read the lines: the native fast path, or JavaScript and why (native.ts) */
  parser: { native: true } | { native: false; why: string };
}
