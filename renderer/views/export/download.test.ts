import { describe, expect, it } from 'vitest';
import { crc32 } from '../../../shared/tables/zip.ts';
import { downloadable, fileBytes, svgDataUrl } from './download.ts';

/** Reads the names and contents back out of a store-only ZIP (local file headers in order). */
function unzipStored(zip: Uint8Array): { name: string; text: string; crcOk: boolean }[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const out: { name: string; text: string; crcOk: boolean }[] = [];
  let at = 0;
  while (view.getUint32(at, true) === 0x04034b50) {
    const crc = view.getUint32(at + 14, true);
    const size = view.getUint32(at + 18, true);
    const nameLen = view.getUint16(at + 26, true);
    const extra = view.getUint16(at + 28, true);
    const name = new TextDecoder().decode(zip.subarray(at + 30, at + 30 + nameLen));
    const data = zip.subarray(at + 30 + nameLen + extra, at + 30 + nameLen + extra + size);
    out.push({ name, text: new TextDecoder().decode(data), crcOk: crc32(data) === crc });
    at += 30 + nameLen + extra + size;
  }
  return out;
}

describe('export downloads', () => {
  it('saves a text file as its UTF-8 bytes and an XLSX from base64', () => {
    const text = { fileName: 'labels.csv', mimeType: 'text/csv', content: 'entry_id,stage\nä,Training\n', encoding: 'utf8' as const };
    expect(downloadable({ shape: 'file', file: text })).toMatchObject({ fileName: 'labels.csv', mimeType: 'text/csv' });
    expect(new TextDecoder().decode(fileBytes(text))).toBe(text.content);
    const raw = Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0xff, 0x00]);
    const b64 = { fileName: 'labels.xlsx', mimeType: 'application/x', content: Buffer.from(raw).toString('base64'), encoding: 'base64' as const };
    expect([...fileBytes(b64)]).toEqual([...raw]);
  });

  it('turns a folder of files into one ZIP named after the folder, each file inside it', () => {
    const files = ['a.txt', 'b, 10.txt'].map((fileName, i) => ({ fileName, mimeType: 'text/plain', content: `entry ${i}\n`, encoding: 'utf8' as const }));
    const summary = { written: 2, skipped: [], sources: [], renamed: [] };
    const save = downloadable({ shape: 'folder', folderName: 'dlbench', files, summary, notes: [] });
    expect(save.fileName).toBe('dlbench.zip');
    expect(save.mimeType).toBe('application/zip');
    expect(unzipStored(save.bytes)).toEqual([
      { name: 'dlbench/a.txt', text: 'entry 0\n', crcOk: true },
      { name: 'dlbench/b, 10.txt', text: 'entry 1\n', crcOk: true },
    ]);
  });

  it('shows an SVG through a data: URL that decodes to the same text', () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><text>Größe</text></svg>';
    const url = svgDataUrl(svg);
    expect(url.startsWith('data:image/svg+xml;base64,')).toBe(true);
    expect(Buffer.from(url.split(',')[1], 'base64').toString('utf8')).toBe(svg);
  });
});
