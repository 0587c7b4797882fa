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

/**
 * Preloads the editors' chunk (Monaco, most of the script) from index.html: it is imported
 * dynamically, so that the app asks for its first entry without waiting for it, but it is wanted
 * on every page, so its download and compilation start with the page's own script.
 */
function preloadEditors(): Plugin {
  return {
    name: 'concord-preload-editors',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const chunks = Object.values(ctx.bundle ?? {}).filter((c) => c.type === 'chunk');
        const entry = chunks.find((c) => c.moduleIds.some((id) => id.endsWith('/renderer/monaco/editors.tsx')));
        if (!entry) throw new Error('vite.config.ts: no chunk for renderer/monaco/editors.tsx to preload');
        const files = new Set<string>();
        const css = new Set<string>();
        const visit = (file: string) => {
          const chunk = chunks.find((c) => c.fileName === file);
          if (!chunk || files.has(file)) return;
          files.add(file);
          chunk.viteMetadata?.importedCss.forEach((f) => css.add(f));
          chunk.imports.forEach(visit);
        };
        visit(entry.fileName);
        // What index.html loads already (the page's script and its imports) is left as it is.
        const fresh = (f: string) => !html.includes(`/${f}"`);
        return [
          ...[...files].filter(fresh).map((f) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `./${f}` }, injectTo: 'head' as const })),
          // Fetched only: the chunk puts its stylesheet in when it runs.
          ...[...css].filter(fresh).map((f) => ({ tag: 'link', attrs: { rel: 'preload', as: 'style', crossorigin: true, href: `./${f}` }, injectTo: 'head' as const })),
        ];
      },
    },
  };
}

// The renderer is one static bundle: `concord serve` serves it over loopback HTTP and Electron
// from its own concord:// protocol, so paths are relative (`base: './'`) and nothing comes from a network.
export default defineConfig({
  root: fileURLToPath(new URL('./renderer', import.meta.url)),
  base: './',
  plugins: [react(), contentSecurityPolicy(), preloadEditors()],
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
        // script on a worker thread of its own, so the chunks are made ready in parallel while the
        // page's own script runs. Modules then evaluate in the order of the sources, as in one
        // chunk (Monaco's modules import each other in cycles, which a plain split gets wrong).
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
