import type { SerializedError } from '../../shared/errors.ts';
import type { AgreementQuery } from '../agreement.ts';
import type { CoderCellQuery, CoefficientQuery, DriftQuery } from '../agreement-figures.ts';
import type { CodedRatings } from '../../shared/agreement/ratings.ts';
import type { ImportFormat } from '../../shared/types.ts';
import type { PublishedMap } from '../import/index.ts';
import type { FieldMapping } from '../../shared/field-mapping.ts';
import type { HandedColumns } from '../data/agreement-rows.ts';
import type { ExportArgs } from '../exports/render.ts';
import type { GroupsQuery } from '../rounds.ts';

/**
 * Work that runs off the request thread, in a worker with its own connection to the project file:
 * an import (reading and checking every file, then writing), an agreement report with its
 * bootstrap, one of the figure reports beside it (or the entries behind a cell of one), or the intervals of figures already made (alpha
 * per round or version), or a whole export file for the Export view's download, or every label read
 * ahead into columns, then every entry's consensus and the report the Agreement view opens with
 * worked out ahead, for the service to take over (`ServiceOptions.readAhead`), or a report without
 * intervals a view asks for (`viewReport`), taken over alike, or the figures of alpha per round or version (`groupFigures`). What the service
 * hands a worker and what the worker says back. A report is handed the label columns the service
 * keeps, when it keeps them, so that its worker need not read every label again (an export too).
 */
export type JobRequest =
  | { kind: 'import'; args: { path: string; format?: ImportFormat; maps?: PublishedMap[]; newVersion?: boolean; mapping?: FieldMapping; actor: string } }
  | { kind: 'agreement'; args: AgreementQuery; columns?: HandedColumns }
  | { kind: 'figures'; args: FiguresRequest; columns?: HandedColumns }
  | { kind: 'coderCell'; args: { query: AgreementQuery; cell: CoderCellQuery }; columns?: HandedColumns }
  | { kind: 'intervals'; args: { figures: CodedRatings[]; resamples: number; seed?: number } }
  | { kind: 'export'; args: ExportArgs; columns?: HandedColumns }
  | { kind: 'columns' }
  | { kind: 'consensus' }
  | { kind: 'report' }
  | { kind: 'viewReport'; args: AgreementQuery; columns?: HandedColumns }
  | { kind: 'groupFigures'; args: GroupsQuery; columns?: HandedColumns };

/** One of the Agreement view's tabs beside alpha, with its report's own query (db/agreement-figures.ts). */
export type FiguresRequest =
  | { figures: 'coefficients'; query: CoefficientQuery }
  | { figures: 'coders'; query: AgreementQuery }
  | { figures: 'drift'; query: DriftQuery }
  | { figures: 'machines'; query: AgreementQuery };

export interface JobProgress {
  phase: string;
  done: number;
  total: number;
}

/** What a worker is started with: the project file it opens, on its own connection, when a job first needs it. */
export interface WorkerStart {
  file: string;
  nativeBinding?: string;
  /**
   * Shared memory, one for every worker of a runner: how many jobs the lead waits on (a tab's
   * figures, a cell's entries) run now. A bootstrap gives way to them between its resamples.
   */
  waitedOn: SharedArrayBuffer;
}

/**
 * What a worker is asked, one at a time: a job (`stop` is shared memory: a 1 in its first slot
 * asks the job to stop), or only to get ready for the jobs to come: its connection open and, with
 * `takeColumns`, the label columns taken over on its own thread (those saved beside the file,
 * brought up to date from the log, else read) and counted, so that nothing is copied to it from
 * the request thread.
 */
export type JobOrder =
  | { type: 'job'; id: string; request: JobRequest; stop: SharedArrayBuffer }
  | { type: 'ready'; takeColumns: boolean }
  /** No more jobs: the worker ends itself, once what it left for after its last answer is done. */
  | { type: 'end' };

/** What a worker says back about the job `id`. */
export type JobMessage = { type: 'progress'; progress: JobProgress } | { type: 'result'; value: unknown } | { type: 'error'; error: SerializedError; cancelled?: boolean };

/** What a worker says once it has taken over (and counted) the label columns a `ready` order asked it to take. */
export type ReadiedMessage = { type: 'readied' };
