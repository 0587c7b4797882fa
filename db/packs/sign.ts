import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { now } from '../database.ts';
import type { Store } from '../data/index.ts';
import { serializePack, type Pack } from './format.ts';

/**
 * Signed packs. Each annotator has a secret (32 random bytes) that the lead's project makes and
 * copies into that annotator's starter file, and nowhere else. A pack is signed with it:
 * HMAC-SHA256 over the pack's canonical bytes (`serializePack` without the signature: records
 * sorted, keys sorted, so reformatting the file changes nothing and editing any value or time,
 * the annotator's name or the project breaks it). So a pack can speak only for the annotator whose
 * starter file made it (or for whom the lead exported it), and only as it was written.
 */

/** The bytes a signature covers: the pack's canonical text without its signature. */
export function signedBytes(pack: Pack): Buffer {
  return Buffer.from(serializePack({ ...pack, signature: undefined }), 'utf8');
}

function hmac(pack: Pack, secret: string): Buffer {
  return createHmac('sha256', Buffer.from(secret, 'hex')).update(signedBytes(pack)).digest();
}

export function sign(pack: Pack, secret: string): Pack {
  return { ...pack, signature: { algorithm: 'HMAC-SHA256', value: hmac(pack, secret).toString('hex') } };
}

/** Whether the pack's signature was made with `secret` over exactly this content. */
export function signedWith(pack: Pack, secret: string): boolean {
  if (!pack.signature) return false;
  const given = Buffer.from(pack.signature.value, 'hex');
  const expected = hmac(pack, secret);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** An annotator's secret, made now if they have none yet (a starter file or a pack is about to carry it). */
export function secretFor(store: Store, annotatorId: number): string {
  return store.keys.secretOf(annotatorId) ?? store.keys.put(annotatorId, randomBytes(32).toString('hex'), now());
}
