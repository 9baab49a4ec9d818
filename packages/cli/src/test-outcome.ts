/** One example's outcome under both engines. */
export interface TestOutcome {
  name: string;
  file: string;
  line: number;
  column: number;
  passed: boolean;
  differences: string[];
}
