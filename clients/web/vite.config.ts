import { defineConfig } from 'vite';

/**
 * No React plugin: Vite 8's built-in Oxc transform compiles TSX with React's automatic runtime
 * (so components need no `import React`). Without the plugin there is no Fast Refresh; edits
 * reload the page, which is fine for a demo.
 */
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  // The SDK is a workspace package of TypeScript sources: one React for it and the app.
  resolve: { dedupe: ['react', 'react-dom'] },
  // Invite links and auth redirect URLs name this origin (WATCHROOM_APP_URL, config.toml).
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
  preview: { host: '127.0.0.1', port: 5173, strictPort: true },
  build: { target: 'es2022', sourcemap: true },
});
