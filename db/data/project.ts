import { parseCodebook, type Codebook } from '../../shared/codebook/index.ts';
import { ConcordError } from '../../shared/errors.ts';
import type { Db } from '../database.ts';
import { statementsOf } from './statements.ts';

/** The project's lasting identity (uid survives copies; a starter file carries its lead's uid). */
export interface ProjectIdentity {
  uid: string;
  name: string;
}

/** The project row as stored, to copy it whole into a starter file. */
export interface ProjectRow {
  name: string;
  codebookJson: string;
  createdAt: string;
  uid: string;
}

/** The `project` table: one row, the project's name, codebook and uid. */
export function projectTable(db: Db) {
  const sql = statementsOf(db);
  const codebookJson = () => (sql('SELECT codebook_json FROM project WHERE id = 1').get() as { codebook_json: string } | undefined)?.codebook_json;
  return {
    exists(): boolean {
      return sql('SELECT 1 FROM project WHERE id = 1').get() !== undefined;
    },
    /** Creates the one project row; without `uid`, the database makes one (migration 002). */
    insert(p: { name: string; codebookJson: string; createdAt: string; uid?: string }): void {
      if (p.uid === undefined) sql('INSERT INTO project (id, name, codebook_json, created_at) VALUES (1, ?, ?, ?)').run(p.name, p.codebookJson, p.createdAt);
      else sql('INSERT INTO project (id, name, codebook_json, created_at, uid) VALUES (1, ?, ?, ?, ?)').run(p.name, p.codebookJson, p.createdAt, p.uid);
    },
    /** The codebook as stored (JSON text), or undefined without a project: a cheap way to tell whether it changed. */
    codebookJson(): string | undefined {
      return codebookJson();
    },
    name(): string | undefined {
      return (sql('SELECT name FROM project WHERE id = 1').get() as { name: string } | undefined)?.name;
    },
    /** The project's codebook, or undefined when the database holds no project. */
    codebookIfAny(): Codebook | undefined {
      const json = codebookJson();
      return json === undefined ? undefined : parseCodebook(JSON.parse(json), 'project codebook');
    },
    /** The project's codebook; a database without a project is refused. */
    codebook(): Codebook {
      const json = codebookJson();
      if (json === undefined) throw new ConcordError('not-found', 'this database holds no Concord project');
      return parseCodebook(JSON.parse(json), 'project codebook');
    },
    /** Replaces the codebook (the codebook editor publishes; db/codebook-edit.ts records the revision). */
    replaceCodebook(json: string): void {
      sql('UPDATE project SET codebook_json = ? WHERE id = 1').run(json);
    },
    identity(): ProjectIdentity {
      const hasUid = sql("SELECT 1 FROM pragma_table_info('project') WHERE name = 'uid'").get() !== undefined;
      if (!hasUid) throw new ConcordError('internal', 'this database lacks the pack schema (migration 002-packs); open it with openDatabase, which applies it');
      const row = sql('SELECT uid, name FROM project WHERE id = 1').get() as ProjectIdentity | undefined;
      if (!row) throw new ConcordError('not-found', 'this database holds no Concord project');
      return row;
    },
    row(): ProjectRow {
      const r = sql('SELECT name, codebook_json, created_at, uid FROM project WHERE id = 1').get() as
        | { name: string; codebook_json: string; created_at: string; uid: string }
        | undefined;
      if (!r) throw new ConcordError('not-found', 'this database holds no Concord project');
      return { name: r.name, codebookJson: r.codebook_json, createdAt: r.created_at, uid: r.uid };
    },
  };
}
