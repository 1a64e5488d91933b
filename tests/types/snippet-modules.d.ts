// The bundler plugins the docs' config snippets import, which the reader's
// project installs (tests/e2e/rollup-app.test.mjs builds with the real
// ones); declared here by the shape the snippets use.
declare module '@rollup/plugin-node-resolve' {
  export function nodeResolve(options?: { browser?: boolean }): object;
}
declare module '@web/rollup-plugin-import-meta-assets' {
  export function importMetaAssets(options?: object): object;
}
