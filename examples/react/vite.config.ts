import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  // Served by the demo server under /react/.
  base: '/react/',
  plugins: [react()],
  // The one line eventsource-wasm needs in Vite's dev server.
  optimizeDeps: { exclude: ['eventsource-wasm'] },
  server: { proxy: { '/api': 'http://127.0.0.1:8787' } },
});
