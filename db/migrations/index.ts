import initial from './001-initial.ts';
import packs from './002-packs.ts';
import entryFields from './005-entry-fields.ts';

/** Numbered migrations, in order. Each runs once, in a transaction, recorded with its checksum. */
export const migrations: { version: number; name: string; sql: string }[] = [
  { version: 1, name: '001-initial', sql: initial },
  { version: 2, name: '002-packs', sql: packs },
  { version: 5, name: '005-entry-fields', sql: entryFields },
];
