/**
 * A store-only ZIP writer (no compression), enough for XLSX. Every entry carries the same fixed
 * DOS timestamp (1980-01-01 00:00), so the same files give the same bytes.
 */
export interface ZipFile {
  name: string;
  /** The file's bytes, or its bytes in pieces (a large sheet, never one array). */
  data: Uint8Array | Uint8Array[];
}

let crcTable: Uint32Array | undefined;

export function crc32(data: Uint8Array | Uint8Array[]): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const piece of Array.isArray(data) ? data : [data]) for (let i = 0; i < piece.length; i++) crc = crcTable[(crc ^ piece[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01

class Bytes {
  private chunks: Uint8Array[] = [];
  length = 0;
  u16(v: number) {
    this.push(new Uint8Array([v & 0xff, (v >>> 8) & 0xff]));
  }
  u32(v: number) {
    this.push(new Uint8Array([v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff]));
  }
  push(b: Uint8Array) {
    this.chunks.push(b);
    this.length += b.length;
  }
  pieces(): Uint8Array[] {
    return this.chunks;
  }
  concat(): Uint8Array {
    const out = new Uint8Array(this.length);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}

export function writeZip(files: ZipFile[]): Uint8Array {
  const out = new Bytes();
  for (const piece of zipPieces(files)) out.push(piece);
  return out.concat();
}

/** `writeZip`'s bytes in pieces, the files' own among them: a large file is never copied into one array. */
export function zipPieces(files: ZipFile[]): Uint8Array[] {
  const enc = new TextEncoder();
  const out = new Bytes();
  const central = new Bytes();
  for (const f of files) {
    const name = enc.encode(f.name);
    const pieces = Array.isArray(f.data) ? f.data : [f.data];
    const size = pieces.reduce((n, p) => n + p.length, 0);
    const crc = crc32(pieces);
    const offset = out.length;
    out.u32(0x04034b50);
    out.u16(20); // version needed
    out.u16(0x0800); // UTF-8 names
    out.u16(0); // stored
    out.u16(DOS_TIME);
    out.u16(DOS_DATE);
    out.u32(crc);
    out.u32(size);
    out.u32(size);
    out.u16(name.length);
    out.u16(0);
    out.push(name);
    for (const p of pieces) out.push(p);

    central.u32(0x02014b50);
    central.u16(20); // version made by
    central.u16(20);
    central.u16(0x0800);
    central.u16(0);
    central.u16(DOS_TIME);
    central.u16(DOS_DATE);
    central.u32(crc);
    central.u32(size);
    central.u32(size);
    central.u16(name.length);
    central.u16(0); // extra
    central.u16(0); // comment
    central.u16(0); // disk
    central.u16(0); // internal attributes
    central.u32(0); // external attributes
    central.u32(offset);
    central.push(name);
  }
  const centralOffset = out.length;
  const centralBytes = central.concat();
  out.push(centralBytes);
  out.u32(0x06054b50);
  out.u16(0);
  out.u16(0);
  out.u16(files.length);
  out.u16(files.length);
  out.u32(centralBytes.length);
  out.u32(centralOffset);
  out.u16(0);
  return out.pieces();
}
