/**
 * How both hosts serve the built renderer (browser mode over HTTP, Electron over its concord://
 * protocol): which file a URL path names, and with which content type.
 */

export const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

export function mimeTypeOf(file: string): string {
  const dot = file.lastIndexOf('.');
  return (dot >= 0 && MIME_TYPES[file.slice(dot).toLowerCase()]) || 'application/octet-stream';
}

/**
 * The file a URL path names, relative to the renderer folder and '/'-separated ('/' is
 * index.html), or null when it is not one of ours: a '..' segment, a backslash, a NUL byte or a
 * bad escape never reaches the file system.
 */
export function staticFileOf(pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const parts = decoded.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) return null;
  return parts.length ? parts.join('/') : 'index.html';
}
