// Counters of one parse: lines seen, flows kept, rejections by reason with the first few
// samples. A bad flow line is never thrown; it is counted and sampled (architecture §6).

/** Why a line or record was skipped. Stable names: reports and tests key on them. */
export const REJECT_REASONS = Object.freeze([
  'no-format', // no header, no format given, and the line is not a valid default-format record
  'field-count', // token count differs from the layout's field count
  'invalid-value', // a token does not validate for its field's type
  'bad-header', // a header line that names a field twice (lines under it are rejected too)
  'line-too-long', // a text line longer than MAX_LINE_BYTES
  'bad-json', // JSON that does not parse
  'unknown-json', // valid JSON that is no record, message or CloudWatch payload
  'duplicate-field', // a structured record naming one field twice (`log-status` and `log_status`)
] as const);

export type RejectReason = (typeof REJECT_REASONS)[number];

export interface RejectSample {
  readonly file: string;
  /** 1-based */
  readonly line: number;
  readonly reason: string;
  /** the raw line trimmed, at most 500 characters */
  readonly text: string;
  /** for invalid-value: the field whose token did not validate, and that token */
  readonly field?: string;
  readonly value?: string;
}

export interface ParseStats {
  /** non-blank input lines/records seen (headers excluded) */
  lines: number;
  /** records written to batches */
  flows: number;
  rejected: number;
  rejectedByReason: Record<string, number>;
  /** the first `maxSamples` rejections */
  samples: RejectSample[];
  /** kept records whose start is after their end (rule 6 warning) */
  startAfterEnd: number;
}

export const SAMPLE_TEXT_MAX = 500;

export interface StatsRecorder {
  readonly stats: ParseStats;
  /** `text` is a function so the line is only decoded while samples are still wanted */
  reject(
    reason: RejectReason,
    line: number,
    text: () => string,
    bad?: { field: string; value: string },
  ): void;
}

export function createStats(file: string, maxSamples = 10): StatsRecorder {
  const stats: ParseStats = {
    lines: 0,
    flows: 0,
    rejected: 0,
    rejectedByReason: {},
    samples: [],
    startAfterEnd: 0,
  };
  return {
    stats,
    reject(reason, line, text, bad) {
      stats.rejected++;
      stats.rejectedByReason[reason] = (stats.rejectedByReason[reason] ?? 0) + 1;
      if (stats.samples.length < maxSamples) {
        stats.samples.push({
          file,
          line,
          reason,
          text: text().trim().slice(0, SAMPLE_TEXT_MAX),
          ...(bad === undefined ? {} : { field: bad.field, value: bad.value.slice(0, 100) }),
        });
      }
    },
  };
}
