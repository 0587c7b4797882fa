// ESLint checks structure, not style: no import cycles anywhere, and the layering of DESIGN 2
// (shared <- db <- electron, cli; shared <- renderer). `npm test` runs it before the unit tests.
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const TESTS = ['**/*.test.ts', '**/*.test.tsx', '**/*.spec.ts', 'test/**'];

/** Packages a folder may not import, by the runtime it must not need. */
const REACT = ['react', 'react-dom', 'zustand', 'monaco-editor', '@monaco-editor/[^/]+'];
const ELECTRON = ['electron'];
const SQLITE = ['better-sqlite3'];

/** A package and its subpaths, never a relative path that happens to contain the name. */
const forbidPackages = (names, why) => ['error', { patterns: [{ regex: `^(${names.join('|')})(/.*)?$`, message: why }] }];

/**
 * The whole configuration for a repository laid out as this one is, rooted at `root` (the lint
 * test points it at small fixtures that break each rule).
 */
export function concordLint(root) {
  const zone = (target, from, message) => ({ target: `./${target}`, from: from.map((f) => `./${f}`), message });
  return [
    { ignores: ['node_modules/**', 'build/**', 'dist/**', '.tmp/**', 'fixtures/**'] },
    {
      files: ['shared/**/*.{ts,tsx}', 'db/**/*.ts', 'cli/**/*.ts', 'electron/**/*.ts', 'renderer/**/*.{ts,tsx}', 'test/**/*.ts'],
      languageOptions: { parser: tseslint.parser, ecmaVersion: 'latest', sourceType: 'module' },
      plugins: { 'import-x': importX },
      settings: {
        // Without these, import-x would not read .ts files to follow their imports (cycles would go unseen).
        'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs'],
        'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
        'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'] })],
      },
      linterOptions: { reportUnusedDisableDirectives: 'error' },
      rules: {
        'import-x/no-cycle': ['error', { ignoreExternal: true }],
        // An import the linter cannot follow would slip past the checks below.
        'import-x/no-unresolved': ['error', { commonjs: true, ignore: ['\\?worker$'] }],
      },
    },
    {
      // Sources (tests may reach across layers to drive and check them).
      files: ['shared/**/*.{ts,tsx}', 'db/**/*.ts', 'cli/**/*.ts', 'electron/**/*.ts', 'renderer/**/*.{ts,tsx}'],
      ignores: TESTS,
      rules: {
        'import-x/no-restricted-paths': [
          'error',
          {
            basePath: root,
            zones: [
              zone('shared', ['db', 'cli', 'electron', 'renderer', 'test'], 'shared/ is pure: it imports only shared/.'),
              zone('db', ['cli', 'electron', 'renderer', 'test'], 'db/ imports only shared/ and db/.'),
              zone('renderer', ['db', 'cli', 'electron', 'test'], 'the renderer talks to the service only through its ApiClient.'),
              zone('cli', ['electron', 'renderer', 'test'], 'cli/ is a host: it imports shared/ and db/.'),
              zone('electron', ['cli', 'renderer', 'test'], 'electron/ is a host: it imports shared/ and db/.'),
            ],
          },
        ],
        // ES modules only: a require() would be a second way in.
        'import-x/no-commonjs': 'error',
      },
    },
    {
      files: ['shared/**/*.{ts,tsx}'],
      ignores: TESTS,
      rules: {
        'import-x/no-nodejs-modules': 'error',
        'no-restricted-imports': forbidPackages([...REACT, ...ELECTRON, ...SQLITE], 'shared/ runs anywhere: no Node, DOM, React or Electron.'),
        'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'localStorage', 'process', 'Buffer', 'require', '__dirname'],
      },
    },
    {
      files: ['renderer/**/*.{ts,tsx}'],
      ignores: TESTS,
      rules: {
        'import-x/no-nodejs-modules': 'error',
        'no-restricted-imports': forbidPackages([...ELECTRON, ...SQLITE], 'the renderer runs in a page: no Electron, no SQLite.'),
      },
    },
    {
      files: ['db/**/*.ts', 'cli/**/*.ts'],
      ignores: TESTS,
      rules: { 'no-restricted-imports': forbidPackages([...ELECTRON, ...REACT], 'db/ and cli/ run in plain Node: no Electron, no React.') },
    },
    {
      files: ['electron/**/*.ts'],
      ignores: TESTS,
      rules: { 'no-restricted-imports': forbidPackages(REACT, 'the desktop host holds no UI code; the renderer does.') },
    },
  ];
}

export default concordLint(import.meta.dirname);
