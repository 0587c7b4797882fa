import type { Codebook } from '../../shared/codebook/schema.ts';
import { findDimension, matchValue } from '../../shared/codebook/values.ts';
import { badInput } from '../../shared/errors.ts';
import type { EntryMetadata, ImportWarning } from '../../shared/types.ts';
import type { EntryFields, PlannedLabel } from './plan.ts';

/** The annotator that carries the labels published with the Deep-Bench release. */
export const PUBLISHED_ANNOTATOR = 'deepbench-published';

export interface DlbenchEntry {
  extId: string;
  fields: EntryFields;
  labels: PlannedLabel[];
  warnings: ImportWarning[];
  emptyTask: boolean;
  swapped: boolean;
}

// Keys as written in the release, normalised: case and spaces ignored ("ground Truth" -> groundtruth).
const headKeys = new Set(['stage', 'task', 'data']);
const tailKeys = new Set(['groundtruth', 'repo', 'function', 'fname', 'class', 'testcases']);
const keyLine = /^\s*([A-Za-z][A-Za-z _]*?)\s*:(.*)$/;
const normKey = (k: string) => k.toLowerCase().replace(/[\s_]+/g, '');

/** The entry id of a Deep-Bench file: its name without `.txt` (spaces, commas and dots kept). */
export function entryIdOf(fileName: string): string {
  return fileName.replace(/\.txt$/i, '');
}

/**
 * Reads one Deep-Bench entry file (format 1). The head (stage, task, data) comes first, then a
 * `prompt:` that runs until the first tail key (ground Truth, repo, function or f_name, class,
 * test_cases). Published values that the codebook cannot place become warnings, never errors:
 * the release is messy and a team still wants the entry.
 */
export function parseDlbenchEntry(text: string, file: string, fileName: string, codebook: Codebook): DlbenchEntry {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split(/\r?\n/);
  const values = new Map<string, { value: string; line: number }>();
  let prompt: string[] | null = null;
  let promptLine = 0;
  let inTail = false;
  // Keys the release adds now and then after the prompt; kept as metadata under their own name.
  const extras = new Map<string, { value: string; line: number }>();
  let last: { value: string; line: number } | null = null;
  lines.forEach((raw, k) => {
    const line = k + 1;
    const m = keyLine.exec(raw);
    const key = m ? normKey(m[1]) : '';
    const isTail = m !== null && tailKeys.has(key) && !values.has(key);
    if (prompt !== null && !inTail && !isTail) {
      prompt.push(raw);
      return;
    }
    if (m && key === 'prompt' && prompt === null && !inTail) {
      prompt = [m[2]];
      promptLine = line;
      return;
    }
    if (m && (isTail || (prompt === null && headKeys.has(key)))) {
      if (values.has(key)) throw badInput(`"${m[1].trim()}:" appears twice`, { file, line, field: m[1].trim() });
      if (isTail) inTail = true;
      last = { value: m[2].trim(), line };
      values.set(key, last);
      return;
    }
    if (!raw.trim()) return;
    if (m && inTail && tailKeys.has(key)) throw badInput(`"${m[1].trim()}:" appears twice`, { file, line, field: m[1].trim() });
    if (m && inTail && key !== 'prompt' && !headKeys.has(key)) {
      const name = m[1].trim().replace(/\s+(\w)/g, (_, c: string) => c.toUpperCase());
      if (extras.has(name)) throw badInput(`"${m[1].trim()}:" appears twice`, { file, line, field: m[1].trim() });
      last = { value: m[2].trim(), line };
      extras.set(name, last);
      return;
    }
    if (inTail && last) {
      // A tail value may wrap onto the next line (several test ids); keep it with its key.
      last.value = last.value ? `${last.value}\n${raw.trim()}` : raw.trim();
      return;
    }
    throw badInput(`unexpected line "${raw.trim().slice(0, 60)}" before the prompt (expected stage:, task:, data: or prompt:)`, {
      file,
      line,
      field: m ? m[1].trim() : undefined,
    });
  });
  if (prompt === null) throw badInput('no "prompt:" key: this is not a Deep-Bench entry file', { file, line: 1, field: 'prompt' });
  const promptText = (prompt as string[]).join('\n').replace(/^\s*\n/, '').trim();
  if (!promptText) throw badInput('the prompt is empty', { file, line: promptLine, field: 'prompt' });

  const extId = entryIdOf(fileName);
  const get = (k: string) => values.get(k)?.value ?? '';
  const metadata: EntryMetadata = {
    ...Object.fromEntries([...extras].filter(([, v]) => v.value).map(([k, v]) => [k, v.value])),
    sourceFile: fileName,
    repo: get('repo') || undefined,
    function: get('function') || get('fname') || undefined,
    class: get('class') || undefined,
    groundTruthPath: get('groundtruth') || undefined,
    testCases: get('testcases') || undefined,
  };

  const warnings: ImportWarning[] = [];
  const labels: PlannedLabel[] = [];
  const stageDim = findDimension(codebook, 'stage');
  const taskDim = findDimension(codebook, 'task');
  const inputDim = findDimension(codebook, 'input');
  let stage = values.get('stage');
  let data = values.get('data');
  let swapped = false;
  if (stageDim && inputDim && stage?.value && data?.value) {
    const stageAsStage = matchValue(stageDim.values, stage.value);
    const stageAsInput = matchValue(inputDim.values, stage.value);
    const dataAsStage = matchValue(stageDim.values, data.value);
    const dataAsInput = matchValue(inputDim.values, data.value);
    if (!stageAsStage && stageAsInput && dataAsStage && !dataAsInput) {
      warnings.push({
        file,
        line: stage.line,
        field: 'stage',
        message: `stage and data are swapped ("stage: ${stage.value}", "data: ${data.value}"); imported as stage ${dataAsStage.label}, input ${stageAsInput.label}`,
      });
      [stage, data] = [data, stage];
      swapped = true;
    }
  }
  const publish = (dimId: string, field: string, v: { value: string; line: number } | undefined) => {
    const dim = findDimension(codebook, dimId);
    if (!dim || !v) return;
    const match = matchValue(dim.values, v.value);
    if (!match) {
      warnings.push({ file, line: v.line, field, message: `"${v.value}" is not a ${dim.label.toLowerCase()} of the codebook; published label skipped` });
      return;
    }
    labels.push({ extId, annotator: PUBLISHED_ANNOTATOR, dimension: dim.id, value: match.id, source: { file, line: v.line, field } });
  };
  publish('stage', swapped ? 'data' : 'stage', stage);
  const task = values.get('task');
  const emptyTask = !!taskDim && (!task || task.value === '');
  if (emptyTask) {
    const general = matchValue(taskDim!.values, 'General');
    if (general) labels.push({ extId, annotator: PUBLISHED_ANNOTATOR, dimension: taskDim!.id, value: general.id, source: { file, line: task?.line, field: 'task' } });
  } else publish('task', 'task', task);
  publish('input', swapped ? 'stage' : 'data', data);
  for (const [key, field] of [['stage', 'stage'], ['data', 'data']] as const)
    if (!values.get(key)?.value) warnings.push({ file, line: values.get(key)?.line, field, message: `no published ${key}` });

  return { extId, fields: { prompt: promptText, metadata }, labels, warnings, emptyTask, swapped };
}
