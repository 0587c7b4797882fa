import { describe, expect, it, vi } from 'vitest';
import { api, methodNames, type SyncApiHandlers } from './api.ts';
import { accessRules, callerOfRequest, FILE_OWNER, FILE_OWNER_ACTOR, openDoor, type Caller } from './door.ts';
import { ConcordError } from './errors.ts';
import type { AnnotatorRole } from './types.ts';

/** Stand-in handlers that answer with the arguments they were given. */
function echoHandlers() {
  return Object.fromEntries(methodNames.map((m) => [m, vi.fn((args: unknown) => ({ method: m, args }))])) as unknown as SyncApiHandlers & Record<string, ReturnType<typeof vi.fn>>;
}

const roles: Record<string, AnnotatorRole> = { lena: 'adjudicator', ana: 'annotator', 'deepbench-published': 'reference' };
const roleOf = (name: string) => roles[name.toLowerCase()];
const named = (name: string): Caller => ({ kind: 'named', name });

function refusal(fn: () => unknown): ConcordError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConcordError) return e;
    throw e;
  }
  throw new Error('the door let the call through');
}

describe('the door', () => {
  it('has a rule for every method, and every method that is not open to anyone names who asks (as)', () => {
    expect(Object.keys(accessRules).sort()).toEqual([...methodNames].sort());
    for (const m of methodNames) {
      const takesAs = 'as' in (api[m].args as unknown as { shape: object }).shape;
      expect({ m, takesAs }).toEqual({ m, takesAs: accessRules[m] !== 'anyone' });
    }
  });

  it('checks the arguments against the contract before any handler runs', () => {
    const h = echoHandlers();
    const door = openDoor(h, roleOf);
    const e = refusal(() => door.call('entries.get', { annotator: 'ana', id: 42 } as never, callerOfRequest({})));
    expect(e.code).toBe('bad-input');
    expect(e.where).toEqual({ field: 'id' });
    expect(h['entries.get']).not.toHaveBeenCalled();
    // zod's trim ran before the handler saw the name
    door.call('project.addAnnotator', { name: '  Ada ' }, { kind: 'anonymous' });
    expect(h['project.addAnnotator']).toHaveBeenCalledWith({ name: 'Ada' });
  });

  it("refuses a lead's method to anyone who is not an adjudicator, naming the role it needs", () => {
    const h = echoHandlers();
    const door = openDoor(h, roleOf);
    for (const who of ['ana', 'deepbench-published', 'zed']) {
      const e = refusal(() => door.call('adjudication.acceptMajorities', { decidedBy: who }, named(who)));
      expect(e.code).toBe('forbidden');
      expect(e.message).toBe(`adjudication.acceptMajorities is for the lead of the study (an adjudicator); "${who}" sees only their own labels`);
    }
    expect(h['adjudication.acceptMajorities']).not.toHaveBeenCalled();
    expect(door.call('adjudication.acceptMajorities', { decidedBy: 'lena' }, named('lena'))).toEqual({
      method: 'adjudication.acceptMajorities',
      args: { decidedBy: 'lena', as: 'lena' },
    });
  });

  it('lets the file owner call everything, logged under one clear name', () => {
    const h = echoHandlers();
    const door = openDoor(h, () => undefined);
    expect(door.call('backups.list', {}, FILE_OWNER)).toEqual({ method: 'backups.list', args: { as: FILE_OWNER_ACTOR } });
    expect(door.call('imports.run', { path: '/x' }, FILE_OWNER)).toEqual({ method: 'imports.run', args: { as: 'cli', path: '/x' } });
  });

  it('answers a request from the app as the name it gives, and refuses one that names no one', () => {
    const door = openDoor(echoHandlers(), roleOf);
    const asked = { as: 'ana', includeDrafts: true };
    expect(refusal(() => door.call('adjudication.summary', asked, callerOfRequest(asked))).code).toBe('forbidden');
    const lead = { as: 'lena' };
    expect(door.call('adjudication.summary', lead, callerOfRequest(lead))).toMatchObject({ args: { as: 'lena' } });
    const nobody = {};
    const e = refusal(() => door.call('adjudication.summary', nobody, callerOfRequest(nobody)));
    expect(e.code).toBe('bad-input');
    expect(e.where).toEqual({ field: 'as' });
  });

  it('refuses a request that names someone other than its caller', () => {
    const door = openDoor(echoHandlers(), roleOf);
    const e = refusal(() => door.call('backups.list', { as: 'lena' }, named('ana')));
    expect(e.code).toBe('forbidden');
    expect(e.message).toContain('names "lena" but comes from "ana"');
  });

  it('lets an annotator export their own pack (any case) and only a lead export someone else\'s', () => {
    const door = openDoor(echoHandlers(), roleOf);
    expect(door.call('packs.export', { annotator: 'Ana' }, named('ana'))).toMatchObject({ args: { as: 'ana', annotator: 'Ana' } });
    expect(refusal(() => door.call('packs.export', { annotator: 'lena' }, named('ana'))).message).toBe(
      'exporting another annotator\'s pack is for the lead of the study (an adjudicator); "ana" sees only their own labels',
    );
    expect(door.call('packs.export', { annotator: 'ana' }, named('lena'))).toMatchObject({ args: { as: 'lena' } });
  });

  it('knows no method outside the contract', () => {
    const door = openDoor(echoHandlers(), roleOf);
    expect(refusal(() => door.call('no.such' as never, {} as never, FILE_OWNER)).code).toBe('not-found');
  });
});
