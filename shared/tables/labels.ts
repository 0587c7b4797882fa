import type { Codebook, Dimension } from '../codebook/schema.ts';
import { formatLineRanges, isLineRanges } from '../codebook/lines.ts';
import { TREE_SEPARATOR, type LabelValue } from '../codebook/values.ts';
import type { ConsensusStatus, DecisionMethod, DimensionConsensus } from '../consensus/consensus.ts';
import type { Cell, Column, Table } from './table.ts';

/**
 * The labels export (a dataset release): per entry and dimension the final value, how it was
 * reached and who decided; optionally every annotator's own value beside it.
 */
export interface LabelsInput {
  codebook: Codebook;
  annotators: string[];
  entries: {
    id: string;
    passed: boolean | null;
    /** Per dimension; a text dimension (a prompt rewrite) carries its final text as `final`. */
    consensus: DimensionConsensus[];
    /** The entry's comment thread, oldest first. */
    comments?: { author: string; text: string }[];
    /** Why the annotators disagreed, by dimension ('' for the entry as a whole). */
    reasons?: Record<string, string>;
    /** The entry's texts the export carries, by field name ('' for one it does not have). */
    fields?: Record<string, string>;
  }[];
  /** Which texts of the entries the export carries, in order (none by default). */
  fields?: string[];
}

/** A thread as one cell: "author: text", comments apart by " | ". */
function commentsCell(comments: { author: string; text: string }[] | undefined): string {
  return (comments ?? []).map((c) => `${c.author}: ${c.text}`).join(' | ');
}

/** Reasons as one cell: "dimension: reason", in codebook order, the entry's own first. */
function reasonsCell(reasons: Record<string, string> | undefined, order: string[]): string {
  const keys = Object.keys(reasons ?? {}).sort((a, b) => order.indexOf(a) - order.indexOf(b));
  return keys.map((k) => (k === '' ? reasons![k] : `${k}: ${reasons![k]}`)).join('; ');
}

/** A value as people write it in import format 4: labels, `|` between set members, `Type::Subtype`. */
export function displayValue(dim: Dimension, value: LabelValue | null | undefined): string {
  if (value === null || value === undefined) return '';
  const label = (id: string) => dim.values.find((v) => v.id === id)?.label ?? id;
  if (typeof value === 'string') return dim.kind === 'text' ? value : label(value);
  if (isLineRanges(value)) return formatLineRanges(dim, value);
  if (Array.isArray(value))
    return (value as string[])
      .map((p) => {
        if (dim.kind !== 'tree') return label(p);
        const [t, s] = p.split(TREE_SEPARATOR);
        const type = dim.values.find((v) => v.id === t);
        const sub = s === undefined ? undefined : (type?.children?.find((c) => c.id === s)?.label ?? s);
        return sub === undefined ? (type?.label ?? t) : `${type?.label ?? t}${TREE_SEPARATOR}${sub}`;
      })
      .join('|');
  return dim.values.filter((v) => value[v.id]).map((v) => v.label).join('|');
}

/** How the final value came about: the decision's method, `unanimous` without one, empty when there is none yet. */
function methodOf(c: DimensionConsensus): DecisionMethod | '' {
  if (c.decision) return c.decision.method;
  return c.final !== null ? 'unanimous' : '';
}

function dimsOf(input: LabelsInput): Dimension[] {
  return input.codebook.dimensions;
}

export function labelsTable(input: LabelsInput, perAnnotator = false): Table {
  const dims = dimsOf(input);
  const columns: Column[] = [
    { key: 'entry', label: 'entry_id' },
    { key: 'passed', label: 'passed' },
    ...(input.fields ?? []).map((f) => ({ key: `field:${f}`, label: f })),
  ];
  for (const d of dims) {
    columns.push(
      { key: `${d.id}`, label: d.id },
      { key: `${d.id}/status`, label: `${d.id}_status` },
      { key: `${d.id}/method`, label: `${d.id}_method` },
      { key: `${d.id}/by`, label: `${d.id}_decided_by` },
      { key: `${d.id}/why`, label: `${d.id}_rationale` },
    );
    if (perAnnotator) for (const a of input.annotators) columns.push({ key: `${d.id}@${a}`, label: `${d.id}:${a}` });
  }
  columns.push({ key: 'reasons', label: 'disagreement_reasons' }, { key: 'comments', label: 'comments' });
  const order = ['', ...dims.map((d) => d.id)];
  const rows = input.entries.map((e) => {
    const cells: Record<string, Cell> = { entry: e.id, passed: e.passed };
    for (const f of input.fields ?? []) cells[`field:${f}`] = e.fields?.[f] ?? '';
    const byDim = new Map(e.consensus.map((c) => [c.dimension, c]));
    for (const d of dims) {
      const c = byDim.get(d.id);
      // A dimension that does not apply (the bug tree of a passing entry) stays empty.
      if (!c) continue;
      cells[d.id] = displayValue(d, c.final);
      cells[`${d.id}/status`] = c.status;
      cells[`${d.id}/method`] = methodOf(c);
      cells[`${d.id}/by`] = c.decision?.decidedBy ?? '';
      cells[`${d.id}/why`] = c.decision?.rationale ?? '';
      if (perAnnotator) for (const v of c.values) cells[`${d.id}@${v.annotator}`] = displayValue(d, v.value);
    }
    cells.reasons = reasonsCell(e.reasons, order);
    cells.comments = commentsCell(e.comments);
    return { cells };
  });
  return { id: 'labels', title: 'Final labels', columns, rows };
}

export interface LabelsJson {
  codebook: { id: string; version: string };
  annotators?: string[];
  entries: {
    id: string;
    passed: boolean | null;
    dimensions: Record<
      string,
      {
        value: LabelValue | null;
        display: string;
        status: ConsensusStatus;
        method: DecisionMethod | null;
        decidedBy: string | null;
        rationale: string | null;
        annotators?: Record<string, LabelValue>;
      }
    >;
    /** Why the annotators disagreed, by dimension ('' for the entry as a whole). */
    reasons: Record<string, string>;
    comments: { author: string; text: string }[];
  }[];
}

export function labelsJson(input: LabelsInput, perAnnotator = false): LabelsJson {
  const dims = new Map(dimsOf(input).map((d) => [d.id, d]));
  return {
    codebook: { id: input.codebook.id, version: input.codebook.version },
    ...(perAnnotator ? { annotators: input.annotators } : {}),
    entries: input.entries.map((e) => ({
      id: e.id,
      passed: e.passed,
      ...(input.fields ? { fields: e.fields ?? {} } : {}),
      dimensions: Object.fromEntries(
        e.consensus
          .filter((c) => dims.has(c.dimension))
          .map((c) => [
            c.dimension,
            {
              value: c.final,
              display: displayValue(dims.get(c.dimension)!, c.final),
              status: c.status,
              method: methodOf(c) || null,
              decidedBy: c.decision?.decidedBy ?? null,
              rationale: c.decision?.rationale ?? null,
              ...(perAnnotator ? { annotators: Object.fromEntries(c.values.map((v) => [v.annotator, v.value])) } : {}),
            },
          ]),
      ),
      reasons: e.reasons ?? {},
      comments: e.comments ?? [],
    })),
  };
}
