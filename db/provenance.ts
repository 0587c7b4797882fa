import { createHash } from 'node:crypto';
import type { AgreementLabel } from '../shared/agreement/report.ts';
import type { Codebook } from '../shared/codebook/schema.ts';
import { digestBytes, hashedLabels, numberLines, type NumberedLines, type Provenance } from '../shared/tables/provenance.ts';
import { APP_VERSION } from '../shared/version.ts';

export { APP_VERSION };

/** What an export or a figure was computed on: the app's version and a SHA-256 of the labels (see shared/tables/provenance.ts). */
export function provenanceOf(codebook: Codebook, kind: string, people: AgreementLabel[], machines: AgreementLabel[] = []): Provenance {
  const digest = (labels: AgreementLabel[]) => labelsDigest(numberLines(hashedLabels(codebook, labels)));
  return { app: 'Concord', version: APP_VERSION, export: kind, labels: digest(people), ...(machines.length ? { machineLabels: digest(machines) } : {}) };
}

/** `provenanceOf` from the people's labels by number (`NumberedLines`: each label's value as `valueText` writes it, empty ones left out). */
export function provenanceOfEntries(kind: string, people: NumberedLines): Provenance {
  return provenanceOfDigest(kind, labelsDigest(people));
}

/** `provenanceOf` from the digest of the people's labels (`labelsDigest`), worked out already. */
export function provenanceOfDigest(kind: string, labels: LabelsDigest): Provenance {
  return { app: 'Concord', version: APP_VERSION, export: kind, labels };
}

export type LabelsDigest = Provenance['labels'];

/** How many labels, and the SHA-256 of their text, hashed piece by piece as `digestBytes` hands it on. */
export function labelsDigest(lines: NumberedLines): LabelsDigest {
  const hash = createHash('sha256');
  digestBytes(lines, (bytes) => hash.update(bytes));
  return { count: lines.entry.length, sha256: hash.digest('hex') };
}
