import initial from './001-initial.ts';
import packs from './002-packs.ts';
import machineCoders from './003-machine-coders.ts';
import trust from './004-trust.ts';
import entryFields from './005-entry-fields.ts';
import study from './006-study.ts';
import queueIndexes from './007-queue-indexes.ts';
import labelHash from './008-import-label-hash.ts';
import textIndexDeferred from './009-text-index-deferred.ts';
import labelKind from './010-label-kind.ts';

/** Numbered migrations, in order. Each runs once, in a transaction, recorded with its checksum. */
export const migrations: { version: number; name: string; sql: string }[] = [
  { version: 1, name: '001-initial', sql: initial },
  { version: 2, name: '002-packs', sql: packs },
  { version: 3, name: '003-machine-coders', sql: machineCoders },
  { version: 4, name: '004-trust', sql: trust },
  { version: 5, name: '005-entry-fields', sql: entryFields },
  { version: 6, name: '006-study', sql: study },
  { version: 7, name: '007-queue-indexes', sql: queueIndexes },
  { version: 8, name: '008-import-label-hash', sql: labelHash },
  { version: 9, name: '009-text-index-deferred', sql: textIndexDeferred },
  { version: 10, name: '010-label-kind', sql: labelKind },
];
