import { defineConfig } from 'vite';

// The page: index.html + src/main.ts. Our packages resolve through their `browser` export
// condition (Vite's default client conditions include it), so no Node module is bundled.
// MuJoCo (mujoco_wasm.js, 11 MB with its wasm inlined) and tfjs' wasm binaries are served as
// files from public/vendor/ (scripts/copy-vendor.mjs) and loaded by URL.
export default defineConfig({
  base: './',
  build: {
    outDir: 'dist',
    target: 'es2022',
    chunkSizeWarningLimit: 1000,
    // The page loads MuJoCo with setMujocoUrl; the package's own import is never taken here.
    rollupOptions: { external: ['mujoco-js'] },
  },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
});
