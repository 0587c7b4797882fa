/**
 * Files in and out of the renderer, the same in the desktop app and in browser mode: saving goes
 * through a download (Blob + <a download>), opening through <input type="file">.
 */

/** Saves bytes as a file. */
export function saveBytes(fileName: string, mimeType: string, bytes: Uint8Array<ArrayBuffer>): void {
  const url = URL.createObjectURL(new Blob([bytes], { type: mimeType }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The download has its own reference by now; free ours on the next turn.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** Saves text (UTF-8) as a file. */
export function saveText(text: string, fileName: string, mimeType = 'application/json'): void {
  saveBytes(fileName, mimeType, new TextEncoder().encode(text) as Uint8Array<ArrayBuffer>);
}

/** Reads the chosen files' text, in the order chosen. */
export function readFiles(files: FileList | File[]): Promise<{ name: string; text: string }[]> {
  return Promise.all([...files].map(async (f) => ({ name: f.name, text: await f.text() })));
}

/** A size as people read it: 512 B, 5.3 KB, 1.2 MB. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
