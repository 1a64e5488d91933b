// Gives a module's imports and exports the short names wasm-opt chose
// (`--minify-imports-and-exports-and-modules`, whose map it prints as
// JSON), in the JavaScript glue and the declarations wasm-bindgen wrote
// for it. wasm-bindgen names imports after a hash of their signature
// (`__wbg_push_c9f4893fc209f768`), which gzip cannot shrink: both files
// carry each one, so short names save about 0.6 KB gzip on the class's
// module. Every import must be found, and no old name may remain, or the
// build fails. The enums lose their reverse mappings too, `initSync` its
// older form of argument, and the classes their `Symbol.dispose` alias.
// Usage: node scripts/minify-names.mjs map.json glue.js glue.d.ts
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const [mapFile, glueFile, typesFile] = process.argv.slice(2);
const text = readFileSync(mapFile, 'utf8');
const map = JSON.parse(text.slice(text.indexOf('{')));
let glue = readFileSync(glueFile, 'utf8');
let types = readFileSync(typesFile, 'utf8');

/** Replaces every match of `pattern` (which must match) with `to`. */
const rename = (source, pattern, to, what) => {
  if (!pattern.test(source)) throw new Error(`${glueFile}: ${what} not found`);
  return source.replace(new RegExp(pattern.source, `${pattern.flags}g`), to);
};
const modules = new Set();
for (const [module, name, short] of map.imports) {
  // A property of the imports object the glue builds, per module.
  glue = rename(glue, new RegExp(`^(\\s+)${name}:`, 'm'), `$1${short}:`, `import ${name}`);
  modules.add(module);
}
for (const [name, short] of map.exports) {
  // Some exports are wasm-bindgen's own, unused by the glue.
  glue = glue.replace(new RegExp(`\\bwasm\\.${name}\\b`, 'g'), `wasm.${short}`);
  types = types.replace(new RegExp(`\\breadonly ${name}:`, 'g'), `readonly ${short}:`);
}
// wasm-opt names modules in the order it meets them: a, b, …
const [only, ...more] = modules;
if (more.length > 0) throw new Error(`${glueFile}: imports from several modules`);
const moduleName = JSON.stringify(only);
if (!glue.includes(`${moduleName}: import0`)) throw new Error(`${glueFile}: module ${only} not found`);
glue = glue.replace(`${moduleName}: import0`, '"a": import0');
for (const name of [...map.imports.map(([, name]) => name), ...map.exports.map(([name]) => `wasm.${name}`)]) {
  if (new RegExp(`${name.replace('.', '\\.')}\\b`).test(glue)) throw new Error(`${glueFile}: ${name} remains`);
}
// Each enum object also maps its values back to their names
// (`Eof: 0, "0": "Eof"`), which nothing reads, and is frozen, though
// nothing outside the package sees it: both dropped.
glue = glue.replace(/, "-?\d+": "\w+"/g, '').replace(/= Object\.freeze\(\{/g, '= ({');
// `initSync` takes the older form of its argument too (the module itself,
// with a warning), and bytes to compile; the package's loader
// (js/load.js) always passes `{ module }` with a compiled module: only
// that is kept.
const legacy = `    if (module !== undefined) {
        if (Object.getPrototypeOf(module) === Object.prototype) {
            ({module} = module)
        } else {
            console.warn('using deprecated parameters for \`initSync()\`; pass a single object instead')
        }
    }`;
if (!glue.includes(legacy)) throw new Error(`${glueFile}: initSync's argument handling not found`);
glue = glue.replace(legacy, '    ({ module } = module);');
// The exported classes (SseCore, StreamParser) are the package's own and
// never disposed of with `using`: no `Symbol.dispose` alias, whose
// assignment every bundler must keep.
const dispose = /^if \(Symbol\.dispose\) \w+\.prototype\[Symbol\.dispose\] = \w+\.prototype\.free;\n/gm;
if (!dispose.test(glue)) throw new Error(`${glueFile}: no Symbol.dispose alias found`);
glue = glue.replace(dispose, '');
types = types.replace(/^\s*\[Symbol\.dispose\]\(\): void;\n/gm, '');
const compile = `    if (!(module instanceof WebAssembly.Module)) {
        module = new WebAssembly.Module(module);
    }
`;
if (!glue.includes(compile)) throw new Error(`${glueFile}: initSync's compiling not found`);
glue = glue.replace(compile, '');
// A method that passes several strings or arrays frees the ones already
// passed when a later one fails to convert (a \`try\` around them), and
// coerces each number argument first (\`const val2 = +now;\`). The glue's
// only callers are the package's own modules, which pass strings, arrays
// and numbers that convert (an allocation failure traps the module, where
// no \`catch\` runs): both dropped.
const guarded =
  /^(\s+)try \{\n((?:\1 {4}.*\n)+?)\1\} catch \(e\) \{\n(?:\1 {4}if \(ptr\d+\) \{ wasm\.\w+\(ptr\d+, len\d+ \* \d+, \d+\); \}\n)+\1 {4}throw e;\n\1\}\n/gm;
glue = glue.replace(guarded, (_, indent, body) => body.replace(new RegExp(`^${indent}    `, 'gm'), indent));
glue = glue.replace(
  /^( {4}\w+\(.*\) \{\n|^export function \w+\(.*\) \{\n|^ {4}(?:static |get |set )\w+\(.*\) \{\n)([\s\S]*?)(?=^ {0,4}\}\n)/gm,
  (_, head, body) => {
    for (const [line, val, arg] of body.matchAll(/^\s+const (val\d+) = \+(\w+);\n/gm)) {
      body = body.replace(line, '').replace(new RegExp(`\\b${val}\\b`, 'g'), arg);
    }
    return head + body;
  },
);
if (/ = \+\w+;|\} catch \(e\) \{\n\s+if \(ptr/.test(glue)) throw new Error(`${glueFile}: a guard or coercion remains`);
// \`passStringToWasm0\` (where a module takes strings) encodes in one call
// when given no \`realloc\`, which every call here gives: that branch
// dropped.
if (glue.includes('function passStringToWasm0(')) {
  const oneCall = /^ {4}if \(realloc === undefined\) \{\n(?: {8}.*\n)+? {4}\}\n\n/m;
  if (!oneCall.test(glue) || /passStringToWasm0\([^,)]+, [^,)]+\)/.test(glue)) {
    throw new Error(`${glueFile}: passStringToWasm0's calls not as expected`);
  }
  glue = glue.replace(oneCall, '');
}
writeFileSync(glueFile, glue);
writeFileSync(typesFile, types);
// The declarations of the raw exports, where wasm-bindgen wrote them.
const rawFile = glueFile.replace(/\.js$/, '_bg.wasm.d.ts');
if (existsSync(rawFile)) {
  let raw = readFileSync(rawFile, 'utf8');
  for (const [name, short] of map.exports) raw = raw.replace(new RegExp(`\\bconst ${name}:`), `const ${short}:`);
  writeFileSync(rawFile, raw);
}
