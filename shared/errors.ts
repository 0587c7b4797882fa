/**
 * Errors that cross a host boundary. `code` decides the CLI exit status and the HTTP status;
 * `where` points the user at the offending file, line and field.
 */
/**
 * `unavailable`: the project file or its disk cannot do what was asked now (full, read-only,
 * busy, damaged); the message says what to do, and nothing was changed.
 */
export type ErrorCode = 'bad-input' | 'not-found' | 'conflict' | 'usage' | 'internal' | 'forbidden' | 'unavailable';

export interface ErrorLocation {
  file?: string;
  line?: number;
  field?: string;
}

export class ConcordError extends Error {
  readonly code: ErrorCode;
  readonly where?: ErrorLocation;
  constructor(code: ErrorCode, message: string, where?: ErrorLocation) {
    super(message);
    this.name = 'ConcordError';
    this.code = code;
    this.where = where;
  }
}

export function badInput(message: string, where?: ErrorLocation): ConcordError {
  return new ConcordError('bad-input', message, where);
}

/** "file:line: field: message", the one way a located error is shown (CLI, UI, logs). */
export function formatError(e: { message: string; where?: ErrorLocation }): string {
  const w = e.where;
  if (!w) return e.message;
  const place = [w.file, w.line !== undefined ? `line ${w.line}` : undefined, w.field !== undefined ? `field "${w.field}"` : undefined]
    .filter(Boolean)
    .join(', ');
  return place ? `${place}: ${e.message}` : e.message;
}

/** Plain-object form of an error for IPC and HTTP. */
export interface SerializedError {
  code: ErrorCode;
  message: string;
  where?: ErrorLocation;
}

export function serializeError(e: unknown): SerializedError {
  if (e instanceof ConcordError) return { code: e.code, message: e.message, where: e.where };
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'internal', message };
}

export function deserializeError(s: SerializedError): ConcordError {
  return new ConcordError(s.code, s.message, s.where);
}
