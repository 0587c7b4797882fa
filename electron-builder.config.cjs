// electron-builder configuration for `npm run dist` (scripts/dist.mjs builds the app and the
// Electron copy of better-sqlite3 first). Linux AppImage + deb, macOS dmg, Windows nsis.
const { existsSync } = require('node:fs');
const path = require('node:path');
const { nativeTarget } = require('./scripts/native-target.cjs');

/** The fuse settings of the packaged app (the test reads them back from a packed binary). */
function electronFuses(FuseVersion, FuseV1Options, resetAdHocDarwinSignature) {
  return {
    version: FuseVersion.V1,
    resetAdHocDarwinSignature,
    strictlyRequireAllFuses: false,
    [FuseV1Options.RunAsNode]: false,
    [FuseV1Options.EnableCookieEncryption]: true,
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    [FuseV1Options.EnableNodeCliInspectArguments]: false,
    [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
    [FuseV1Options.OnlyLoadAppFromAsar]: true,
    [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
  };
}

// A native module cannot be cross-compiled: the package is built for the machine it is made on.
const native = nativeTarget(__dirname);
const builderArch = { 0: 'ia32', 1: 'x64', 2: 'armv7l', 3: 'arm64', 4: 'universal' };

/** @type {import('electron-builder').Configuration} */
module.exports = {
  appId: 'org.concord-labeling.concord',
  productName: 'Concord',
  copyright: 'Copyright © Concord contributors',
  directories: {
    output: 'release',
    // The default, "build", is where our compiled app lives, and electron-builder never packs
    // its buildResources folder; icons and installer art go here instead.
    buildResources: 'electron/resources',
  },
  // Only the compiled app. electron-builder adds package.json and the production node_modules
  // (better-sqlite3's JavaScript) on its own; zod and the rest are bundled into main.cjs.
  files: [
    'build/electron/**/*',
    'build/renderer/**/*',
    '!**/*.map',
    // better-sqlite3's Node build and sources: the Electron build ships in resources/native.
    '!node_modules/better-sqlite3/{build,deps,src,benchmark,docs}/**',
    // Runtime packages of the CLI and browser mode that esbuild already bundles into main.cjs.
    '!node_modules/{zod,tsx,diff,krippendorff,esbuild,@esbuild,get-tsconfig,resolve-pkg-maps}{,/**}',
  ],
  extraResources: [
    { from: 'fixtures/demo', to: 'fixtures/demo', filter: ['**/*'] },
    // Loaded by main through better-sqlite3's nativeBinding (electron/main/launch.ts).
    { from: native.file, to: 'native/better_sqlite3.node' },
  ],
  // The Electron build of better-sqlite3 is made beforehand into .electron-native/; letting
  // electron-builder rebuild node_modules in place would replace the Node build that the
  // tests, the CLI and browser mode load.
  npmRebuild: false,
  nodeGypRebuild: false,
  buildDependenciesFromSource: false,
  asar: true,
  async beforePack(context) {
    const arch = builderArch[context.arch];
    if (context.electronPlatformName !== native.platform || arch !== native.arch)
      throw new Error(
        `Concord packages only for the machine it runs on (${native.platform}-${native.arch}); ` +
          `asked for ${context.electronPlatformName}-${arch}. Build that package on such a machine.`,
      );
    if (!existsSync(native.file))
      throw new Error(`${native.file} is missing: run "npm run dist" (it builds better-sqlite3 for Electron first).`);
  },
  // Electron Fuses, flipped in the packaged binary (electron-builder 25 has no option for them):
  // no running as plain Node, no NODE_OPTIONS or --inspect, cookies encrypted, the app loaded only
  // from app.asar and checked against its hash where Electron supports it (macOS, Windows), no
  // extra privileges for file:// (the renderer comes from concord://).
  async afterPack(context) {
    const { flipFuses, FuseVersion, FuseV1Options } = require('@electron/fuses');
    const name = context.packager.appInfo.productFilename;
    const exe = {
      darwin: path.join(context.appOutDir, `${name}.app`),
      win32: path.join(context.appOutDir, `${name}.exe`),
    }[context.electronPlatformName] ?? path.join(context.appOutDir, context.packager.executableName);
    await flipFuses(exe, electronFuses(FuseVersion, FuseV1Options, context.electronPlatformName === 'darwin' && builderArch[context.arch] === 'arm64'));
  },
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Science',
    maintainer: 'Concord contributors <concord@users.noreply.github.com>',
    synopsis: 'Label LLM-generated code as a team',
  },
  deb: {
    // better-sqlite3 links SQLite statically; these are what Electron itself needs.
    depends: ['libgtk-3-0', 'libnotify4', 'libnss3', 'libxss1', 'libxtst6', 'xdg-utils', 'libatspi2.0-0', 'libuuid1', 'libsecret-1-0'],
  },
  appImage: { artifactName: '${productName}-${version}-${arch}.${ext}' },
  mac: {
    target: ['dmg'],
    category: 'public.app-category.education',
    hardenedRuntime: true,
  },
  dmg: { artifactName: '${productName}-${version}-${arch}.${ext}' },
  win: { target: ['nsis'] },
  nsis: {
    oneClick: false,
    perMachine: false,
    allowToChangeInstallationDirectory: true,
    artifactName: '${productName}-Setup-${version}-${arch}.${ext}',
  },
  publish: null,
};
