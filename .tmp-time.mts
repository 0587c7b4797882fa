// Usage: npx tsx time-export.mts <db>  (run from the tree to time)
import { openProject } from './db/project.ts';
const file = process.argv[2];
const s = await openProject(file);
try { s.call('project.addAnnotator', { name: 'lead', role: 'adjudicator' }, { kind: 'anonymous' }); } catch {}
const LEAD = { kind: 'named', name: 'lead' } as const;
const rows = s.db.prepare('SELECT e.ext_id, a.name, l.dimension, l.value FROM label l JOIN entry e ON e.id = l.entry_id JOIN annotator a ON a.id = l.annotator_id');
const t = async (f: () => unknown) => { const a = performance.now(); f(); return performance.now() - a; };
const ours: number[] = [], peer: number[] = [];
let bytes = 0;
for (let i = 0; i < 3; i++) {
  const o = await t(() => { const r = s.call('exports.render', { kind: 'labels', format: 'json' }, LEAD) as any; bytes = r.file.content.length; });
  const p = await t(() => JSON.stringify(rows.all()));
  if (i > 0) { ours.push(o); peer.push(p); }
}
console.log(process.cwd(), 'export ms', ours.map(Math.round), 'peer ms', peer.map(Math.round), 'ratio', (peer.reduce((a, b) => a + b) / ours.reduce((a, b) => a + b)).toFixed(3), 'chars', bytes);
s.close();
