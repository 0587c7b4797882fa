import type { ExportFile, ExportResult } from '../../../shared/tables/export-kinds.ts';
import { writeZip } from '../../../shared/tables/zip.ts';

/** The bytes of one export file (XLSX arrives base64-encoded, everything else as text). */
export function fileBytes(f: ExportFile): Uint8Array<ArrayBuffer> {
  if (f.encoding === 'base64') {
    const bin = atob(f.content);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  return new TextEncoder().encode(f.content);
}

/** One file to save: a folder export (dlbench) becomes one store-only ZIP named after the folder. */
export function downloadable(result: ExportResult): { fileName: string; mimeType: string; bytes: Uint8Array<ArrayBuffer> } {
  if (result.shape === 'file') return { fileName: result.file.fileName, mimeType: result.file.mimeType, bytes: fileBytes(result.file) };
  const zip = writeZip(result.files.map((f) => ({ name: `${result.folderName}/${f.fileName}`, data: fileBytes(f) })));
  return { fileName: `${result.folderName}.zip`, mimeType: 'application/zip', bytes: new Uint8Array(zip) };
}

/** A data: URL for an SVG preview (the CSP allows data: images, not inline script). */
export function svgDataUrl(svg: string): string {
  const bytes = new TextEncoder().encode(svg);
  let bin = '';
  for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
  return `data:image/svg+xml;base64,${btoa(bin)}`;
}
