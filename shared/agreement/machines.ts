/**
 * Machine coders (a model's labels, imported with `concord import --machine`) against the human
 * consensus, per categorical dimension: Cohen's kappa, Gwet's AC1, Krippendorff's alpha (with
 * intervals), accuracy overall and per category, and the entries where the machine departs. The
 * figure papers on models as annotators report, side by side for every machine. Each person
 * against the majority of the other people is given beside them, as the bar a machine is held to.
 */
import type { Codebook, Dimension } from '../codebook/schema.ts';
import { isEmptyValue, type LabelValue } from '../codebook/values.ts';
import { DEFAULT_RESAMPLES, DEFAULT_SEED } from './bootstrap.ts';
import { categoryReading } from './categories.ts';
import { buildCoderReport, compareToReference, type Comparison } from './coders.ts';
import { compareIds, type AgreementLabel, type DbAgreementReport } from './report.ts';

export interface Departure {
  entry: string;
  machine: { id: string; label: string };
  consensus: { id: string; label: string };
}

export interface MachineComparison extends Comparison {
  /** Entries where the machine's category is not the consensus's, in natural id order. */
  departures: Departure[];
}

export interface MachineDimension {
  id: string;
  label: string;
  kind: Dimension['kind'];
  treatment: string;
  machines: MachineComparison[];
  /** Each person against the majority of the other people (the same figures), for comparison. */
  humans: Comparison[];
}

export interface MachineReport {
  machines: string[];
  humans: string[];
  bootstrap: { resamples: number; seed: number };
  dimensions: MachineDimension[];
  notes: string[];
}

export const MACHINE_NOTES = [
  "The human consensus of an entry: the lead's decision where there is one, else the value a strict majority of the people chose (unanimity included); entries without one are left out and counted.",
  'Machine coders never count in the human figures (agreement, consensus, adjudication) unless the lead names them; here each stands alone against the people.',
  "Accuracy per category is the machine's recall on that category: of the entries where the people chose it, the share where the machine did too.",
  'Each person is shown against the majority of the other people, on the same reading, as the bar a machine coder is held to.',
];

/** The entries behind the off-diagonal cells of a comparison. */
export function departuresOf(c: Comparison): Departure[] {
  const out: Departure[] = [];
  for (const [key, entries] of Object.entries(c.cellEntries)) {
    const [i, j] = key.split(',').map(Number);
    if (i === j) continue;
    for (const entry of entries) out.push({ entry, machine: c.categories[i], consensus: c.categories[j] });
  }
  return out.sort((a, b) => compareIds(a.entry, b.entry));
}

export interface MachineReportOptions {
  bootstrap?: number;
  seed?: number;
  dimension?: string;
}

/**
 * `machineLabels`: the machines' labels; `humanLabels`: the people's, as agreement counts them;
 * `consensus`: entry id -> dimension -> the human consensus value (null without one).
 */
export function buildMachineReport(
  codebook: Codebook,
  machineLabels: AgreementLabel[],
  humanLabels: AgreementLabel[],
  consensus: Map<string, Map<string, LabelValue | null>>,
  options: MachineReportOptions = {},
): MachineReport {
  const opts = { bootstrap: options.bootstrap ?? DEFAULT_RESAMPLES, seed: options.seed ?? DEFAULT_SEED };
  const machines = [...new Set(machineLabels.map((l) => l.annotator))].sort(compareIds);
  const humans = [...new Set(humanLabels.map((l) => l.annotator))].sort(compareIds);
  const dims = codebook.dimensions.filter((d) => (options.dimension ? d.id === options.dimension : true));
  // Each person against the majority of the others: the coder report's comparisons, final labels aside.
  const people = buildCoderReport(codebook, humanLabels, new Map(), { ...opts, annotators: humans, dimension: options.dimension, othersOnly: true });
  const dimensions: MachineDimension[] = [];
  for (const dim of dims) {
    const reading = categoryReading(dim);
    if (!reading) continue;
    const reference = new Map<string, LabelValue | null>();
    for (const [entry, byDim] of consensus) reference.set(entry, byDim.get(dim.id) ?? null);
    const comparisons: MachineComparison[] = [];
    for (const machine of machines) {
      const values = new Map<string, LabelValue>();
      for (const l of machineLabels) if (l.annotator === machine && l.dimension === dim.id && !isEmptyValue(l.value)) values.set(l.entryId, l.value);
      if (!values.size) continue;
      const c = compareToReference(reading, machine, 'consensus', values, reference, opts);
      comparisons.push({ ...c, departures: departuresOf(c) });
    }
    const humansHere = people.dimensions.find((d) => d.id === dim.id)?.comparisons ?? [];
    if (!comparisons.length && !humansHere.length) continue;
    dimensions.push({ id: dim.id, label: dim.label, kind: dim.kind, treatment: reading.treatment, machines: comparisons, humans: humansHere });
  }
  return { machines, humans, bootstrap: { resamples: opts.bootstrap, seed: opts.seed }, dimensions, notes: MACHINE_NOTES };
}

/** The machine-coder report of a project, with what the people's figures were computed on. */
export interface DbMachineReport extends MachineReport {
  selection: DbAgreementReport['selection'];
}
