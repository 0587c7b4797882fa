/**
 * The app's version, as package.json gives it (shared/version.test.ts keeps the two equal). Exports
 * carry it, so a figure in a paper can be traced back to the Concord that computed it.
 */
export const APP_VERSION = '0.1.0';
