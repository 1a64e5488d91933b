import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  // The one line the package needs in Vite's dev server: pre-bundling would
  // move the module away from its .wasm file. Builds need nothing.
  optimizeDeps: { exclude: ['eventsource-wasm'] },
});
