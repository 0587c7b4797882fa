import type { Db } from '../database.ts';
import { statementsOf } from './statements.ts';

/**
 * `annotator_key`: each annotator's pack secret. The lead's project makes it and copies it into
 * that annotator's starter file, and nowhere else; a pack that claims to be theirs must be signed
 * with it (db/packs/sign.ts).
 */
export function keyTable(db: Db) {
  const sql = statementsOf(db);
  return {
    /** The annotator's secret (hex), if one was made. */
    secretOf(annotatorId: number): string | undefined {
      return (sql('SELECT secret FROM annotator_key WHERE annotator_id = ?').get(annotatorId) as { secret: string } | undefined)?.secret;
    },
    /** Keeps a secret for an annotator who has none yet; returns the one kept. */
    put(annotatorId: number, secret: string, at: string): string {
      sql('INSERT INTO annotator_key (annotator_id, secret, created_at) VALUES (?, ?, ?) ON CONFLICT (annotator_id) DO NOTHING').run(annotatorId, secret, at);
      return this.secretOf(annotatorId)!;
    },
  };
}
