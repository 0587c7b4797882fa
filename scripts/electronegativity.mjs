// `node scripts/electronegativity.mjs [--no-install]`: Doyensec's Electronegativity over the built
// Electron host (main and preload bundles, and the renderer's index.html with its CSP), offline.
// Fails on any HIGH or MEDIUM finding not explained in .ci/electronegativity/allowlist.json, and on
// an explanation that no longer matches a finding. The scanner lives in its own folder with its
// own lockfile: it brings TypeScript 4.2 and ESLint 7, which must not meet the app's own.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { judge, readFindings } from '../.ci/electronegativity/judge.mjs';
import { buildElectron } from './build.mjs';

/** Loads a dependency-free TypeScript module (esbuild strips the types). */
async function importTs(file) {
  const { build } = await import('esbuild');
  const out = await build({ entryPoints: [file], bundle: true, write: false, format: 'esm', platform: 'neutral', logLevel: 'error' });
  return import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const toolDir = path.join(root, '.ci', 'electronegativity');
const bin = path.join(toolDir, 'node_modules', '@doyensec', 'electronegativity', 'dist', 'index.js');

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    console.error(`electronegativity: ${cmd} ${args.join(' ')} failed (${r.status ?? r.signal})`);
    process.exit(1);
  }
  return r;
}

if (!process.argv.includes('--no-install') || !existsSync(bin)) {
  // --ignore-scripts: nothing in the scanner's tree needs to build anything.
  run('npm', ['ci', '--prefix', toolDir, '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error']);
}

const electronVersion = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).devDependencies.electron.replace(/^[^\d]*/, '');
const work = mkdtempSync(path.join(tmpdir(), 'concord-electronegativity-'));
try {
  const app = path.join(work, 'app');
  await buildElectron(app);
  // The scanner reads .js, not .cjs; the maps would only be scanned twice.
  for (const name of ['main', 'preload']) {
    renameSync(path.join(app, `${name}.cjs`), path.join(app, `${name}.js`));
    rmSync(path.join(app, `${name}.cjs.map`), { force: true });
  }
  // index.html as the build writes it: with the app's CSP in place of its placeholder.
  const { META_CONTENT_SECURITY_POLICY } = await importTs(path.join(root, 'shared', 'csp.ts'));
  writeFileSync(path.join(app, 'index.html'), readFileSync(path.join(root, 'renderer', 'index.html'), 'utf8').replace('%CONCORD_CSP%', META_CONTENT_SECURITY_POLICY));

  const report = path.join(work, 'report.csv');
  // -e: the Electron we ship, not a guess; AvailableSecurityFixesGlobalCheck is left out because
  // it downloads Electron's release list (CI is offline), and `npm ci` pins Electron anyway.
  const r = spawnSync(
    process.execPath,
    [bin, '-i', app, '-r', '-e', electronVersion, '-x', 'AvailableSecurityFixesGlobalCheck', '-o', report, '-v', 'false'],
    { cwd: work, encoding: 'utf8' },
  );
  if (r.status !== 0 || !existsSync(report)) {
    console.error(`electronegativity: the scanner failed (${r.status ?? r.signal})\n${r.stdout}\n${r.stderr}`);
    process.exit(1);
  }
  const allowlist = JSON.parse(readFileSync(path.join(toolDir, 'allowlist.json'), 'utf8')).allowed;
  const { failing, allowed, other, stale } = judge(readFindings(readFileSync(report, 'utf8')), allowlist);

  const show = (f) => `  ${f.severity.padEnd(6)} ${f.confidence.padEnd(9)} ${f.check} ${f.file}:${f.location} ${f.description}${f.sample && f.sample !== 'N/A' ? `\n         ${f.sample.slice(0, 160)}` : ''}`;
  console.log(`electronegativity ${electronVersion}: ${failing.length + allowed.length + other.length} findings`);
  for (const f of allowed) console.log(`${show(f)}\n         explained: ${f.why}`);
  for (const f of other) console.log(show(f));
  if (failing.length) {
    console.error(`\nelectronegativity: ${failing.length} HIGH/MEDIUM finding(s) not explained in .ci/electronegativity/allowlist.json:`);
    for (const f of failing) console.error(show(f));
  }
  if (stale.length) {
    console.error('\nelectronegativity: allowlist entries that match no finding any more (remove them, and their README lines):');
    for (const a of stale) console.error(`  ${a.check} ${a.file ?? ''} "${a.sample ?? ''}"`);
  }
  if (failing.length || stale.length) process.exit(1);
  console.log('electronegativity: no unexplained HIGH or MEDIUM finding');
} finally {
  rmSync(work, { recursive: true, force: true });
}
