// Loading one of the package's WebAssembly modules: our own few lines, not
// wasm-bindgen's loader, so pages do not pay for its glue, and a compiled
// module is used as it is (where compiling from bytes is not allowed, as in
// Cloudflare Workers).

/**
 * The module compiled from `source`: a compiled module; a `Response`;
 * bytes; or a URL, string or `Request` to fetch (a `file:` URL is read
 * from disk in Node).
 * @param {import('./index.js').ModuleSource} source
 * @returns {Promise<WebAssembly.Module>}
 */
async function compile(source) {
  if (source instanceof WebAssembly.Module) return source;
  // Node's fetch() cannot read a file: URL (the module's own, by default):
  // read it from disk. process.getBuiltinModule (Node 20.16+) needs no
  // import, so bundlers see nothing of Node here.
  const node =
    /** @type {{ process?: { getBuiltinModule?(id: 'fs'): { promises: { readFile(path: URL): Promise<Uint8Array> } } } }} */ (
      /** @type {unknown} */ (globalThis)
    );
  const fs = source instanceof URL && source.protocol === 'file:' && node.process?.getBuiltinModule?.('fs');
  if (fs) source = fs.promises.readFile(/** @type {URL} */ (source));
  else if (typeof source === 'string' || source instanceof URL || source instanceof Request) source = fetch(source);
  source = await source;
  if (!(source instanceof Response)) return WebAssembly.compile(/** @type {BufferSource} */ (source));
  if (!source.ok) throw new Error(`HTTP status ${source.status} for ${source.url}`);
  // Streaming compilation needs the right MIME type; not every server
  // sends it.
  return source.headers.get('content-type') === 'application/wasm'
    ? WebAssembly.compileStreaming(source)
    : WebAssembly.compile(await source.arrayBuffer());
}

/**
 * The `init()` of a module: loads it once (again after a failure) from the
 * source given, else from `where()`, and instantiates it with the
 * generated `initSync`. `where` is written at the call as
 * `new URL('…_bg.wasm', import.meta.url)`, the form bundlers recognise and
 * emit the file for.
 * @template T
 * @param {(options: { module: WebAssembly.Module }) => T} initSync
 * @param {() => URL} where
 * @returns {(source?: import('./index.js').ModuleSource) => Promise<T>}
 */
export function loader(initSync, where) {
  /** @type {Promise<T> | null} */
  let ready = null;
  return (source) =>
    (ready ??= compile(source ?? where()).then(
      (module) => initSync({ module }),
      (error) => {
        ready = null;
        throw error;
      },
    ));
}
