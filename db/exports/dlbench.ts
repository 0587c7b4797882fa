import type { Codebook } from '../../shared/codebook/schema.ts';
import type { FinalEntry } from '../../shared/tables/final.ts';
import type { StudyEntry } from '../adjudication.ts';

/**
 * Deep-Bench entry files (format 1) carrying the final stage, task and input type: a release of
 * the benchmark with the team's labels. The layout copies the published files, so tools that read
 * those read these; keys the entry never had are left out.
 */

/** A file name for an entry id: characters a file system refuses (and %) are percent-encoded, so names never collide. */
export function entryFileName(id: string): string {
  const safe = id.replace(/[%/\\:*?"<>|\u0000-\u001f\u007f]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  // "." and ".." are not files; a leading dot would hide the file.
  return `${safe.startsWith('.') ? `%2E${safe.slice(1)}` : safe}.txt`;
}

function labelOf(codebook: Codebook, dimension: string, value: unknown): string {
  const dim = codebook.dimensions.find((d) => d.id === dimension);
  if (!dim || typeof value !== 'string') return '';
  return dim.values.find((v) => v.id === value)?.label ?? '';
}

export function dlbenchEntryText(codebook: Codebook, entry: StudyEntry, final: FinalEntry): string {
  const m = entry.metadata;
  const lines = [
    `stage: ${labelOf(codebook, 'stage', final.finals.stage)}`,
    `task: ${labelOf(codebook, 'task', final.finals.task)}`,
    `data: ${labelOf(codebook, 'input', final.finals.input)}`,
    '',
    'prompt:',
    entry.prompt.replace(/\r\n?/g, '\n').replace(/\n+$/, ''),
    '',
    ` ground Truth:${m.groundTruthPath ?? ''}`,
    '',
    ` repo:${m.repo ?? ''}`,
    '',
  ];
  if (m.class !== undefined) lines.push(` class:${m.class}`, '');
  lines.push(` function:${m.function ?? ''}`, ' ', ` test_cases:${m.testCases ?? ''}`, '');
  return lines.join('\n');
}
