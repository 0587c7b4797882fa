import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { META_CONTENT_SECURITY_POLICY } from './shared/csp.ts';

/** Writes the app's one CSP (shared/csp.ts) into index.html's <meta> tag. */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'concord-csp',
    transformIndexHtml: (html) => {
      if (!html.includes('%CONCORD_CSP%')) throw new Error('renderer/index.html lost its %CONCORD_CSP% placeholder');
      return html.replace('%CONCORD_CSP%', META_CONTENT_SECURITY_POLICY);
    },
  };
}

// The renderer is one static bundle: `concord serve` serves it over loopback HTTP and Electron
// from its own concord:// protocol, so paths are relative (`base: './'`) and nothing comes from a network.
export default defineConfig({
  root: fileURLToPath(new URL('./renderer', import.meta.url)),
  base: './',
  plugins: [react(), contentSecurityPolicy()],
  build: {
    outDir: fileURLToPath(new URL('./build/renderer', import.meta.url)),
    emptyOutDir: true,
    // Monaco is large by nature; the warning would only be noise.
    chunkSizeWarningLimit: 6000,
    // Inline nothing as a data: URL script; the CSP forbids it.
    assetsInlineLimit: 0,
    rolldownOptions: {
      output: {
        // Monaco in several chunks rather than one of 3 MB: Chromium parses and compiles each
        // script on a worker thread of its own, so the chunks are made ready in parallel once the
        // first entry is on screen (renderer/monaco/loader.ts). Modules then evaluate in the order
        // of the sources, as in one chunk (Monaco's modules import each other in cycles, which a
        // plain split gets wrong).
        strictExecutionOrder: true,
        codeSplitting: {
          groups: [{ name: 'monaco', test: /node_modules[\\/]monaco-editor[\\/]/, maxSize: 2_000_000 }],
        },
      },
    },
  },
  worker: { format: 'es' },
  server: { fs: { allow: [fileURLToPath(new URL('.', import.meta.url))] } },
});
