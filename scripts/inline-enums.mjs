// The glue's enums (NoticeKind, Input, ...), written into the package's
// JavaScript as their numbers: `NoticeKind.Open` becomes
// `0 /* NoticeKind.Open */`, and an enum a module then no longer names
// whole is no longer imported, so that no bundler keeps its object. The
// numbers are read from the glue wasm-bindgen generated from the Rust
// enums (src/wasm/exports/), so they cannot drift; a member the glue does
// not have is an error.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

const withoutComments = (text) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');

/** `{ Enum: { Member: number } }` of a glue module's text: its exported
 * objects whose members are all numbers. */
export function enumsOf(glue) {
  const enums = {};
  for (const [, name, body] of glue.matchAll(/^export const (\w+) = \(?\{([\s\S]*?)\}\)?;/gm)) {
    const members = withoutComments(body)
      .split(',')
      .map((m) => m.trim())
      .filter(Boolean)
      .map((m) => m.match(/^(\w+)\s*:\s*(-?\d+(?:\.\d+)?(?:e\d+)?)$/));
    if (members.length && members.every(Boolean)) {
      enums[name] = Object.fromEntries(members.map(([, k, v]) => [k, Number(v)]));
    }
  }
  return enums;
}

/** `source` with the members of the enums it imports from a glue
 * (`glues`: import path to `enumsOf`) written as numbers. */
export function inlineEnums(source, glues) {
  let text = source;
  const imports = [...source.matchAll(/^import \{([^}]*)\} from '(\.\/wasm\/\w+\.js)';$/gm)];
  for (const [statement, list, from] of imports) {
    const enums = glues[from] ?? {};
    const names = list
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean);
    for (const name of names.filter((n) => enums[n])) {
      text = text.replace(new RegExp(`(?<![\\w$.])${name}\\.(\\w+)\\b`, 'g'), (whole, member, at, all) => {
        const before = all.slice(0, at);
        // Comments keep their words.
        if (before.lastIndexOf('/*') > before.lastIndexOf('*/') || /\/\/[^\n]*$/.test(before)) return whole;
        if (!(member in enums[name])) throw new Error(`${whole}: no such member in the glue's ${name}`);
        return `${enums[name][member]} /* ${whole} */`;
      });
    }
    // An enum still named whole (passed as an object) stays imported.
    const code = withoutComments(text).replace(statement, '');
    const kept = names.filter((n) => !enums[n] || new RegExp(`(?<![\\w$.])${n}\\b`).test(code));
    text = text.replace(statement, kept.length ? `import { ${kept.join(', ')} } from '${from}';` : '');
  }
  return text;
}

/** Rewrites every `.js` file directly in `dir` (the package's root),
 * against the glues in `dir/wasm`. */
export function inlineEnumsIn(dir) {
  const glues = {};
  for (const file of readdirSync(`${dir}/wasm`).filter((f) => f.endsWith('.js'))) {
    glues[`./wasm/${file}`] = enumsOf(readFileSync(`${dir}/wasm/${file}`, 'utf8'));
  }
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.js'))) {
    const source = readFileSync(`${dir}/${file}`, 'utf8');
    const text = inlineEnums(source, glues);
    if (text !== source) writeFileSync(`${dir}/${file}`, text);
  }
}
