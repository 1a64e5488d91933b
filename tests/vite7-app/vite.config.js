import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  // The one line the package needs in Vite 7's dev server (the README's):
  // its pre-bundling would move the module away from its .wasm file. Vite 8
  // (tests/vite-app) needs nothing.
  optimizeDeps: { exclude: ['eventsource-wasm'] },
});
