/** A row of the `entry` table as better-sqlite3 returns it. */
export interface EntryRow {
  id: number;
  ext_id: string;
  prompt: string;
  ground_truth: string;
  output: string;
  test_log: string;
  passed: 0 | 1 | null;
  failing_tests: string;
  metadata: string;
  content_hash: string;
}
