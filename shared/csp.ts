/**
 * The one Content-Security-Policy of the app, for every host: Electron sends it as a header on
 * its own protocol, browser mode on every response, and the renderer's index.html carries it in a
 * <meta> tag (vite.config.ts writes it there at build time).
 */
const directives: [string, string][] = [
  ['default-src', "'self'"],
  ['script-src', "'self'"],
  // Monaco and React set inline styles.
  ['style-src', "'self' 'unsafe-inline'"],
  // Monaco's editor worker, bundled locally.
  ['worker-src', "'self' blob:"],
  ['font-src', "'self' data:"],
  ['img-src', "'self' data:"],
  ['connect-src', "'self'"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
  ['frame-ancestors', "'none'"],
];

export const CONTENT_SECURITY_POLICY = directives.map(([name, value]) => `${name} ${value}`).join('; ');

/** The same policy for a <meta> tag, which cannot hold frame-ancestors (browsers ignore it there, with a warning). */
export const META_CONTENT_SECURITY_POLICY = directives
  .filter(([name]) => name !== 'frame-ancestors')
  .map(([name, value]) => `${name} ${value}`)
  .join('; ');
