// The package's CommonJS copy, in dist/package/cjs/, for the loaders that
// cannot take ES modules: Jest with its default configuration, and
// require() on Node 20.16 to 20.18. Each ES module of the package becomes
// one .cjs file of the same name (esbuild's transform, no bundling), so the
// copy has the same module graph and loads the same .wasm files. Bundlers
// never see it: the package's `module` and `import` conditions come first.
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { transformSync } from 'esbuild';

// The entries a user can require(): each checks first that the runtime can
// decode text, and says what is missing if not, where the generated glue
// would throw a bare ReferenceError.
const entries = ['index', 'polyfill', 'stats', 'react', 'parser', 'stream', 'llm'];
const check = `if (typeof TextDecoder == 'undefined' || typeof TextEncoder == 'undefined') throw new TypeError("eventsource-wasm needs TextDecoder and TextEncoder, which this environment lacks (Jest's jsdom environment has neither, nor fetch): see 'Test runners' in the package's README");\n`;

/**
 * Writes the CommonJS copy of the package in `out` (dist/package).
 * @param {string} out
 */
export function buildCjs(out) {
  mkdirSync(`${out}/cjs/wasm`, { recursive: true });
  const sources = [
    // (doctor.js is a command, an ES module Node runs: never required.)
    ...readdirSync(out).filter((f) => f.endsWith('.js') && f !== 'doctor.js'),
    ...readdirSync(`${out}/wasm`)
      .filter((f) => f.endsWith('.js'))
      .map((f) => `wasm/${f}`),
  ];
  for (const file of sources) {
    const source = readFileSync(`${out}/${file}`, 'utf8');
    // import.meta.url is the URL of the ES module this file copies, so that
    // `new URL('./wasm/…_bg.wasm', import.meta.url)` names the same file.
    // Without process.getBuiltinModule (Node < 20.16) it is undefined, and
    // the loader asks for init(module), as in any runtime without a URL.
    const up = '../'.repeat(file.split('/').length);
    const url = `var __esmUrl = globalThis.process?.getBuiltinModule?.('url').pathToFileURL(__dirname + '/${up}${file}').href;\n`;
    let { code } = transformSync(source, {
      format: 'cjs',
      target: 'es2022',
      // import() of a sibling becomes require(), so the copy never loads the ES modules.
      supported: { 'dynamic-import': false },
      define: { 'import.meta.url': '__esmUrl' },
      logLevel: 'error',
    });
    // Relative imports name the copies.
    code = code.replace(/require\("(\.\.?\/[^"]+)\.js"\)/g, 'require("$1.cjs")');
    if (source.includes('import.meta.url')) code = url + code;
    if (entries.includes(file.slice(0, -3))) code = check + code;
    writeFileSync(`${out}/cjs/${file.slice(0, -3)}.cjs`, code);
  }
  // The declarations again, as .d.cts, for TypeScript's CommonJS files
  // (a .cts file, or `module` node16 without `"type": "module"`).
  for (const file of readdirSync(out).filter((f) => f.endsWith('.d.ts'))) {
    const types = readFileSync(`${out}/${file}`, 'utf8').replace(
      /((?:from |import\(|declare module )'\.\/[^']+)\.js'/g,
      "$1.cjs'",
    );
    writeFileSync(`${out}/cjs/${file.slice(0, -5)}.d.cts`, types);
  }
}
