import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/concord-server.ts';

/**
 * The repository alone must install and pass: a fresh clone has nothing beside it (our notes in
 * ../shared are not there). This reads every tracked source file and fails on a path that climbs
 * out of the repository: a '../' string, or a chain of '..' segments passed to join/resolve.
 */

const sourceFile = /\.(ts|tsx|js|mjs|cjs)$|^\.ci\/run$|^scripts\/.*\.sh$/;

function trackedSources(): string[] {
  return execFileSync('git', ['ls-files'], { cwd: repoRoot, encoding: 'utf8' })
    .split('\n')
    // This file holds the shapes it looks for, as examples; fixtures/hostile writes path-like ids on purpose.
    .filter((f) => f && sourceFile.test(f) && f !== 'test/repository-alone.test.ts' && !f.startsWith('fixtures/hostile/'));
}

const outside = (p: string) => {
  const rel = relative(repoRoot, p);
  return rel.startsWith('..') || isAbsolute(rel);
};

/** A line (or the one above it) may say why its path is data, not a read: `// outside-ok: <why>`. */
function allowed(text: string, hit: string): boolean {
  const lines = text.split('\n');
  return lines.some((line, k) => line.includes(hit.slice(0, 30)) && [line, lines[k - 1] ?? ''].some((l) => l.includes('outside-ok:')));
}

/** Every place in `text` (a file at `file`) that names a path outside the repository. */
export function pathsLeavingRepo(file: string, text: string): string[] {
  const hits: string[] = [];
  const dir = dirname(join(repoRoot, file));
  // A relative path in a string: '../x', "../../x", `../x`.
  for (const m of text.matchAll(/["'`]((?:\.\.\/)+[^"'`\s]*)["'`]/g)) if (outside(resolve(dir, m[1]))) hits.push(m[1]);
  // '..' segments as arguments: join(base, '..', '..'). From the file's folder when the base is
  // the file's own location, from the repository root when the base names the root.
  for (const m of text.matchAll(/((?:,\s*['"]\.\.['"]\s*)+)[,)]/g)) {
    const ups = (m[1].match(/\.\./g) ?? []).length;
    const lineStart = text.lastIndexOf('\n', m.index) + 1;
    const context = text.slice(lineStart, m.index);
    // Only chains anchored to our own files: a user's path may go up as it likes.
    const anchored = /import\.meta|__dirname|repoRoot|\(\s*root\s*,/.test(context);
    if (!anchored) continue;
    const base = /import\.meta|__dirname/.test(context) ? dir : repoRoot;
    if (outside(resolve(base, ...Array<string>(ups).fill('..')))) hits.push(`${context.trim().slice(-60)}${m[1].trim()}`);
  }
  // The notes beside our checkout, named by their folder, wherever the path starts.
  for (const m of text.matchAll(/\.\.\/(?:\.\.\/)*shared\/(?:reference|formats|seeds|hooks|DESIGN\.md|STYLE\.md)[^"'`\s]*/g)) hits.push(m[0]);
  return [...new Set(hits)].filter((hit) => !allowed(text, hit));
}

describe('the repository alone', () => {
  it('has no source file that reads outside the repository', () => {
    const files = trackedSources();
    expect(files.length).toBeGreaterThan(100);
    const found = files.flatMap((f) => pathsLeavingRepo(f, readFileSync(join(repoRoot, f), 'utf8')).map((p) => `${f}: ${p}`));
    expect(found).toEqual([]);
  });

  it('catches the shapes that once broke a fresh clone', () => {
    // The line that once read the notes beside the checkout, given to the scanner as text (assembled
    // here so that this file, which reads nothing, does not itself hold a path out of the repository).
    const oldLine = `new URL('${['..', '..', '..', 'shared', 'reference', 'kalpha-cases.json'].join('/')}', import.meta.url)`;
    expect(pathsLeavingRepo('shared/agreement/alpha.test.ts', oldLine)).not.toEqual([]);
    expect(pathsLeavingRepo('test/helpers/x.ts', "resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared')")).not.toEqual([]);
    expect(pathsLeavingRepo('cli/x.ts', "join(repoRoot, '..', 'shared', 'formats')")).not.toEqual([]);
    // Inside the repository: fine.
    expect(pathsLeavingRepo('shared/agreement/alpha.test.ts', "new URL('../../fixtures/reference/kalpha-cases.json', import.meta.url)")).toEqual([]);
    expect(pathsLeavingRepo('test/helpers/x.ts', "resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')")).toEqual([]);
  });
});
