import { z } from 'zod';
import { api, parseArgs, type Api, type ArgsOf, type AsyncMethodName, type MethodName, type ResultOf, type SyncApiHandlers } from './api.ts';
import { ConcordError } from './errors.ts';
import type { AnnotatorRole } from './types.ts';

/**
 * The one door into the service. Every host (Electron IPC, browser mode's HTTP server, the command
 * line) calls `door.call(method, args, caller)`: the arguments are checked against the contract,
 * the caller's right to the method is checked against one table, and only then does the handler
 * run. So validation, roles and the event log are the same whichever host asks.
 */

/** Who is asking. */
export type Caller =
  /**
   * Whoever opened the project file itself (the command line without `--as`). Whoever can open
   * the file can read all of it anyway, so every method is open to them; the event log records
   * them as `FILE_OWNER_ACTOR`.
   */
  | { kind: 'file-owner' }
  /** A person by name: `--as` on the command line, or the name a request from the app gives (`as`). Their role is checked. */
  | { kind: 'named'; name: string }
  /** A request that names no one: only the methods open to anyone (labelling is blind, not gated). */
  | { kind: 'anonymous' };

export const FILE_OWNER: Caller = { kind: 'file-owner' };

/** How the event log names the file owner (what the command line has always recorded). */
export const FILE_OWNER_ACTOR = 'cli';

/**
 * Who may call a method:
 * - `anyone`: labelling and the project's own description; blind by construction (each answer
 *   holds only the named annotator's own labels).
 * - `lead`: shows everyone's labels or changes the whole project; only an adjudicator (or the file owner).
 * - `lead-or-self`: an annotator may export their own pack; only a lead exports someone else's.
 */
export type AccessRule = 'anyone' | 'lead' | 'lead-or-self';

export const accessRules: { [M in MethodName]: AccessRule } = {
  'project.info': 'anyone',
  'project.codebook': 'anyone',
  'project.annotators': 'anyone',
  'project.addAnnotator': 'anyone',
  'entries.list': 'anyone',
  'entries.page': 'anyone',
  'entries.get': 'anyone',
  'labels.set': 'anyone',
  'labels.undo': 'anyone',
  'labels.setNote': 'anyone',
  'labels.setStatus': 'anyone',
  'imports.start': 'anyone',
  'imports.status': 'anyone',
  'imports.columns': 'anyone',
  'jobs.cancel': 'anyone',
  'imports.run': 'lead',
  'assignments.auto': 'lead',
  'assignments.set': 'lead',
  'assignments.list': 'anyone',
  'assignments.progress': 'anyone',
  'packs.export': 'lead-or-self',
  'packs.starter': 'lead',
  'packs.import': 'lead',
  'backups.list': 'lead',
  'backups.create': 'lead',
  'backups.restore': 'lead',
  'events.list': 'lead',
  'adjudication.queue': 'lead',
  'adjudication.queuePage': 'lead',
  'adjudication.summary': 'lead',
  'adjudication.entry': 'lead',
  'adjudication.decide': 'lead',
  'adjudication.acceptMajorities': 'lead',
  'adjudication.undo': 'lead',
  'exports.render': 'lead',
  'exports.start': 'lead',
  'exports.job': 'lead',
  'exports.piece': 'lead',
  'agreement.report': 'lead',
  'agreement.coefficients': 'lead',
  'agreement.coders': 'lead',
  'agreement.coderCell': 'lead',
  'agreement.drift': 'lead',
  'agreement.machines': 'lead',
  'agreement.groups': 'lead',
  'agreement.groupsStart': 'lead',
  'agreement.groupsJob': 'lead',
  // The codebook is the team's shared instrument: anyone reads it and its history; only the lead changes it.
  'codebook.history': 'anyone',
  'codebook.get': 'anyone',
  'codebook.diff': 'anyone',
  'codebook.usage': 'lead',
  'codebook.preview': 'lead',
  'codebook.publish': 'lead',
  // Each annotator's own labels to look at again; the whole list shows everyone's.
  'reviews.list': 'anyone',
  'reviews.all': 'lead',
  'labels.confirm': 'anyone',
  'rounds.list': 'anyone',
  'rounds.create': 'lead',
  'rounds.close': 'lead',
  'gold.list': 'lead',
  'gold.set': 'lead',
  'gold.accuracy': 'lead',
  // A comment is its author's alone while labelling: these answer with the named author's comments only.
  'comments.list': 'anyone',
  'comments.add': 'anyone',
  'comments.delete': 'anyone',
  'adjudication.discussion': 'lead',
  'adjudication.setReason': 'lead',
  'adjudication.decideRevision': 'lead',
  'agreement.start': 'lead',
  'agreement.job': 'lead',
  'agreement.startFigures': 'lead',
  'agreement.figuresJob': 'lead',
  'agreement.coderCellJob': 'lead',
  'agreement.cell': 'lead',
};

/** A request from the app (Electron, browser mode) names who asks in its `as` argument; nothing more is known of them. */
export function callerOfRequest(raw: unknown): Caller {
  const as = raw !== null && typeof raw === 'object' ? (raw as { as?: unknown }).as : undefined;
  return typeof as === 'string' ? { kind: 'named', name: as } : { kind: 'anonymous' };
}

/** A method's answer: at once for the methods that run in one transaction, a promise for those that wait on I/O. */
export type Answer<M extends MethodName> = M extends AsyncMethodName ? Promise<ResultOf<M>> : ResultOf<M>;

/** A method's arguments at the door: `as` may be left out, the door fills it in from the caller. */
export type DoorArgs<M extends MethodName> = ArgsOf<M> extends { as: string } ? Omit<ArgsOf<M>, 'as'> & { as?: string } : ArgsOf<M>;

export interface ApiDoor {
  call<M extends MethodName>(method: M, args: DoorArgs<M>, caller: Caller): Answer<M>;
  /**
   * What `call` checks (the arguments, the caller's right), without the call: the arguments as the
   * handler would get them. For work the command line does beside a method, with the same rights.
   */
  check<M extends MethodName>(method: M, args: DoorArgs<M>, caller: Caller): z.output<Api[M]['args']>;
}

/** Methods whose arguments name who acts (`as`): the door fills it in from the caller. */
const takesAs = new Set((Object.keys(api) as MethodName[]).filter((m) => 'as' in (api[m].args as z.ZodObject).shape));

/**
 * Builds the door around the handlers. `roleOf` answers an annotator's role by name (undefined
 * for someone unknown); the door asks it only for the lead's methods.
 */
export function openDoor(handlers: SyncApiHandlers, roleOf: (name: string) => AnnotatorRole | undefined): ApiDoor {
  const requireLead = (name: string, what: string) => {
    if (roleOf(name) !== 'adjudicator')
      throw new ConcordError('forbidden', `${what} is for the lead of the study (an adjudicator); "${name}" sees only their own labels`, { field: 'as' });
  };

  function check<M extends MethodName>(method: M, raw: DoorArgs<M>, caller: Caller): z.output<Api[M]['args']> {
    if (!Object.prototype.hasOwnProperty.call(api, method)) throw new ConcordError('not-found', `no API method "${String(method)}"`);
    const args = parseArgs(method, withActor(method, raw, caller)) as Record<string, unknown>;
    const rule = accessRules[method];
    if (rule !== 'anyone') {
      if (caller.kind === 'anonymous') throw new ConcordError('forbidden', `${method} needs to know who is asking (as)`, { field: 'as' });
      if (caller.kind === 'named') {
        const as = String(args.as);
        // Annotators export their own pack; only the lead exports someone else's.
        if (rule === 'lead-or-self') {
          if (as.toLowerCase() !== String(args.annotator).toLowerCase()) requireLead(as, "exporting another annotator's pack");
        } else requireLead(as, method);
      }
    }
    return args as z.output<Api[M]['args']>;
  }

  function call<M extends MethodName>(method: M, raw: DoorArgs<M>, caller: Caller): Answer<M> {
    const args = check(method, raw, caller);
    const handler = handlers[method] as unknown as (a: typeof args) => Answer<M>;
    return handler(args);
  }

  return { call, check };
}

/**
 * The arguments with `as` naming the caller: a named caller's name, or the file owner's actor
 * name. A request that names someone else than its caller is refused.
 */
function withActor(method: MethodName, raw: unknown, caller: Caller): unknown {
  const args = raw ?? {};
  if (!takesAs.has(method) || caller.kind === 'anonymous' || typeof args !== 'object' || Array.isArray(args)) return raw;
  const given = (args as { as?: unknown }).as;
  if (caller.kind === 'file-owner') return given === undefined ? { ...args, as: FILE_OWNER_ACTOR } : args;
  if (given !== undefined && given !== caller.name)
    throw new ConcordError('forbidden', `${method}: the request names "${String(given)}" but comes from "${caller.name}"`, { field: 'as' });
  return { ...args, as: caller.name };
}
