/**
 * Drift at scale (issue 11): the chart needs every counted label's time, and reading a million
 * `updated_at` texts out of the label table, then parsing each, took longer than the figures. This
 * index holds each label's time as milliseconds since 1970 beside its key, so the times are read
 * from the index alone, as numbers, in key order (db/data/label-times.ts).
 *
 * The number is there only for a time written as JavaScript's `toISOString` writes it
 * (`2026-03-02T10:00:00.000Z`, which the app and its packs write) and read back the same by
 * SQLite (so not `2026-02-30...`, which both would move to March), before hour 24 (SQLite keeps
 * `T24:30`, which JavaScript refuses); any other text is NULL in the index, and the reader parses
 * that label's text itself.
 */
export const LABEL_TIME_MS = `CASE WHEN substr(updated_at, 12, 2) < '24' AND strftime('%Y-%m-%dT%H:%M:%fZ', updated_at) = updated_at THEN strftime('%s', updated_at) * 1000 + CAST(substr(updated_at, 21, 3) AS INTEGER) END`;

export default `
CREATE INDEX label_times ON label (entry_id, annotator_id, dimension, (${LABEL_TIME_MS}));
`;
