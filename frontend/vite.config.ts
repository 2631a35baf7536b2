import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// `make dev` runs this dev server; API calls go to the Python server (LAYERLAB_API).
const api = process.env.LAYERLAB_API ?? 'http://127.0.0.1:8000';

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: { '/api': { target: api, ws: true } },
  },
  build: { outDir: 'dist', sourcemap: true, chunkSizeWarningLimit: 1200 },
  test: { include: ['src/**/*.test.ts'], environment: 'node' },
});
