/**
 * Builds the audit console into dist/console, served by the service at /console. The browser
 * verifier bundles the service's own core (src/core: RFC 8785, Merkle proofs, note and entry
 * parsing): node:crypto is replaced by a shim whose only working part is synchronous SHA-256
 * (@noble/hashes); every signature is checked with WebCrypto instead (console/src/verify).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/console/',
  publicDir: here('public'),
  logLevel: 'warn',
  build: {
    outDir: here('../dist/console'),
    emptyOutDir: true,
    target: 'es2022',
    // no data: URLs: the page's CSP allows images and fonts from 'self' only
    assetsInlineLimit: 0,
    // nothing loads a polyfill script from elsewhere, nor inline
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  resolve: { alias: { 'node:crypto': here('src/shims/node-crypto.ts') } },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
});
