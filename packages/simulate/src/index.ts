export { simulate, simulateToReport, SimulateError, type BundleSource, type SimulateOptions, type SimulateEvent, type ProgressEvent } from "./simulate.js";
export { mergeReports, asReport, shardReason } from "./merge.js";
export {
  buildReport,
  tallyFromReport,
  rulesInfo,
  hourLabel,
  ReportError,
  REPORT_FORMAT,
  REPORT_VERSION,
  NO_FUNDING_NOTE,
  FUNDING_NOTE,
  type SimulationReport,
  type VersionReport,
  type PromotionReport,
  type DiffReport,
  type RulesInfo,
  type LimitInfo,
} from "./report.js";
export { DEPTH_BUCKETS, TOP_CHANGES, LISTED_PROBLEMS, ORDER_LEVEL, depthBucket, type Problem } from "./tally.js";
export { listInputFiles, readLines, InputError, type InputFile } from "./input.js";
export type { BundleModule } from "./evaluate-cart.js";
export { generateCarts, prng, type GenerateOptions } from "./generate.js";
export { renderHtmlReport } from "./html.js";
export { progressDisplay, type ProgressDisplay } from "./progress.js";
