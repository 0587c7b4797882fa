import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

// The renderer is one static bundle: `concord serve` serves it over loopback HTTP and Electron
// loads it from file://, so paths are relative (`base: './'`) and nothing comes from a network.
export default defineConfig({
  root: fileURLToPath(new URL('./renderer', import.meta.url)),
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./build/renderer', import.meta.url)),
    emptyOutDir: true,
    // Monaco is large by nature; the warning would only be noise.
    chunkSizeWarningLimit: 6000,
    // Inline nothing as a data: URL script; the CSP forbids it.
    assetsInlineLimit: 0,
  },
  worker: { format: 'es' },
  server: { fs: { allow: [fileURLToPath(new URL('.', import.meta.url))] } },
});
