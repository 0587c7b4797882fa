/** Annotation packs: starter files out, packs back in, merged safely. */
export { buildPack, exportPack, type PackExport } from './export.ts';
export { writePackFile } from './stream.ts';
export { parsePack, serializePack, entriesFingerprint, codebookMismatch, PACK_FORMAT, PACK_FORMAT_VERSION, type Pack } from './format.ts';
export { importPacks, type PackImportSummary, type PackSource } from './merge.ts';
export { projectIdentity } from './schema.ts';
export { writeStarter, type StarterResult } from './starter.ts';
