import { createHash } from 'node:crypto';
import type { AgreementLabel } from '../shared/agreement/report.ts';
import type { Codebook } from '../shared/codebook/schema.ts';
import { hashedLabels, labelsDigestText, type Provenance } from '../shared/tables/provenance.ts';
import { APP_VERSION } from '../shared/version.ts';

export { APP_VERSION };

/** What an export or a figure was computed on: the app's version and a SHA-256 of the labels (see shared/tables/provenance.ts). */
export function provenanceOf(codebook: Codebook, kind: string, people: AgreementLabel[], machines: AgreementLabel[] = []): Provenance {
  const digest = (labels: AgreementLabel[]) => {
    const hashed = hashedLabels(codebook, labels);
    return { count: hashed.length, sha256: createHash('sha256').update(labelsDigestText(hashed), 'utf8').digest('hex') };
  };
  return { app: 'Concord', version: APP_VERSION, export: kind, labels: digest(people), ...(machines.length ? { machineLabels: digest(machines) } : {}) };
}
