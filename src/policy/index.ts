// policy: desired state as code. A YAML policy (segments, rules, expectations, exceptions,
// health) -> SQL over the flow store for a time range, and -> a matcher for single flows.
// Pure: the caller reads files and passes their text in, and passes the clock in.

export {
  type CheckQueries,
  type CheckRequest,
  checkQueries,
  evaluateCheck,
  type RunQuery,
} from './check-queries.js';
export {
  type CheckResult,
  type CheckRows,
  type CheckSummary,
  checkResult,
  DEFAULT_FAIL_ON,
} from './check-result.js';
export { HOURLY_TABLE, hourlyTable, hourlyUpkeep, overlappingHours, writtenInOrder } from './check-stage.js';
export type { Classified, PolicyFlow } from './classify.js';
export type { EvidenceFlow, Finding, FindingKind, Window } from './finding.js';
export { BUILTIN, FINDING_KINDS } from './finding.js';
export type { ImportedFile, ImportRequest, ReadImport } from './import-networks.js';
export { compileMatcher, type FlowMatcher, type RuleHit } from './matcher.js';
export type {
  AllowOnlyRule,
  DenyRule,
  EgressViaRule,
  Expectation,
  HealthSpec,
  Match,
  Policy,
  PolicyException,
  PortRange,
  Rule,
  Segment,
  SegmentSet,
  Severity,
} from './model.js';
export { emptyPolicy, parsePolicy } from './parse-policy.js';
export { effectiveAddress, type Side, segmentCode, segmentExpr } from './segment-sql.js';
export { type PairVerdict, pairVerdict } from './verdict.js';
