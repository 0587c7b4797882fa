// Entry point of the Electron main process (bundled to build/electron/main.cjs).
// security.ts comes first: it must sandbox renderers before the app is ready.
import './security.ts';
import { mkdirSync } from 'node:fs';
import electron from 'electron';
import { openProject } from '../../db/project.ts';
import { startApp } from './app.ts';

startApp({
  electron,
  openProject,
  argv: process.argv,
  env: process.env,
  platform: process.platform,
  resourcesPath: process.resourcesPath,
  makeDir: (dir) => mkdirSync(dir, { recursive: true }),
});
