/**
 * Machine coders (a model's labels, imported with `concord import --machine`) against the human
 * consensus, per categorical dimension: Cohen's kappa, Gwet's AC1, Krippendorff's alpha (with
 * intervals), accuracy overall and per category, and the entries where the machine departs. The
 * figure papers on models as annotators report, side by side for every machine. Each person
 * against the majority of the other people is given beside them, as the bar a machine is held to.
 */
import type { Codebook, Dimension } from '../codebook/schema.ts';
import type { LabelValue } from '../codebook/values.ts';
import { DEFAULT_RESAMPLES, DEFAULT_SEED } from './bootstrap.ts';
import { categoryReading, type CategoryReading } from './categories.ts';
import { codeLabels, coderReportOn, compareCodes, departuresOf, referenceCodes, type CodedDimension, type Comparison, type Departure } from './coders.ts';
import { compareIds, groupByDimension, type AgreementLabel, type DbAgreementReport } from './report.ts';

export type { Departure } from './coders.ts';

export interface MachineComparison extends Comparison {
  /** Entries where the machine's category is not the consensus's, in natural id order (the first `departuresListed` of them when asked). */
  departures: Departure[];
  /** How many entries depart in all. */
  departureCount: number;
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

export interface MachineReportOptions {
  bootstrap?: number;
  seed?: number;
  dimension?: string;
  /** List the entries behind each cell of every comparison (default true; the departures are listed always). */
  cellEntries?: boolean;
  /** List only the first this many departures of each machine (the Agreement view's; a file lists them all). */
  departuresListed?: number;
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
  const machines = [...new Set(machineLabels.map((l) => l.annotator))].sort(compareIds);
  const humans = [...new Set(humanLabels.map((l) => l.annotator))].sort(compareIds);
  const models = groupByDimension(machineLabels);
  const people = groupByDimension(humanLabels);
  const withConsensus = (coded: CodedDimension, dim: Dimension) => ({ coded, consensus: () => referenceCodes(coded, (entry) => consensus.get(entry)?.get(dim.id)) });
  return machineReportOn(codebook, machines, humans, {
    machines: (dim, reading) => withConsensus(codeLabels(reading, models.get(dim.id) ?? []), dim),
    people: (dim, reading) => codeLabels(reading, people.get(dim.id) ?? []),
  }, options);
}

/** A dimension's machine labels coded, with the human consensus's codes of their units. */
export type CodedWithConsensus = { coded: CodedDimension; consensus: () => Int32Array };

/**
 * `buildMachineReport` on labels already coded per dimension: the machines' with the human
 * consensus, and the people's (each person against the majority of the others).
 */
export function machineReportOn(
  codebook: Codebook,
  machines: string[],
  humans: string[],
  codedOf: { machines(dim: Dimension, reading: CategoryReading): CodedWithConsensus; people(dim: Dimension, reading: CategoryReading): CodedDimension },
  options: MachineReportOptions = {},
): MachineReport {
  const opts = { bootstrap: options.bootstrap ?? DEFAULT_RESAMPLES, seed: options.seed ?? DEFAULT_SEED, cellEntries: options.cellEntries ?? true };
  const dims = codebook.dimensions.filter((d) => (options.dimension ? d.id === options.dimension : true));
  // Each person against the majority of the others: the coder report's comparisons, final labels aside.
  const people = coderReportOn(codebook, humans, (dim, reading) => ({ coded: codedOf.people(dim, reading), finals: () => new Int32Array(0) }), { ...opts, dimension: options.dimension, othersOnly: true });
  const dimensions: MachineDimension[] = [];
  for (const dim of dims) {
    const reading = categoryReading(dim);
    if (!reading) continue;
    const comparisons: MachineComparison[] = [];
    if (machines.length) {
      const { coded, consensus } = codedOf.machines(dim, reading);
      let reference: Int32Array | undefined;
      for (const machine of machines) {
        const mine = coded.byRater.get(machine);
        if (!mine) continue;
        reference ??= consensus();
        const c = compareCodes(reading, machine, 'consensus', coded, mine, reference, opts);
        const departures = departuresOf(reading, coded, mine, reference);
        const listed = options.departuresListed === undefined ? departures : departures.slice(0, options.departuresListed);
        comparisons.push({ ...c, departures: listed, departureCount: departures.length });
      }
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
