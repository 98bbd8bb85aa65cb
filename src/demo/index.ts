// demo: a seeded generator of realistic VPC and TGW flow logs for the MoJ Modernisation
// Platform, with planted violations and a truth.json that accounts for every record.
// generateDemo is pure (no I/O, no clock); writeDemo is the I/O edge.
export {
  DEFAULT_START,
  type DemoFile,
  type DemoOptions,
  demoLines,
  generateDemo,
  MIN_PER_MINUTE,
  objectKey,
} from './generate.js';
export type { DemoFormat, Tier } from './platform.js';
export { FIELDS, VPC_CUSTOM_29 } from './records.js';
export type { Evidence, Truth, TruthTotals, TruthViolation, ViolationKind } from './truth.js';
export { type DemoProgress, type DemoWriteResult, writeDemo } from './write.js';
