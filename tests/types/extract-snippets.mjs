// Writes every JavaScript and TypeScript snippet of README.md and docs/*.md
// to tests/types/snippets/ as a TypeScript module of its own (JSX as .tsx),
// for tests/e2e/types.test.mjs to type-check as users' code: a JavaScript
// snippet must compile as TypeScript too, since TypeScript users paste it.
// A snippet that is not meant to compile on its own is marked with
// `<!-- snippet: skip (why) -->` on the line before its fence.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const out = join(root, 'tests/types/snippets');

/** @returns {{ file: string, line: number, lang: string, code: string }[]} */
export function snippets() {
  const docs = [
    'README.md',
    ...readdirSync(join(root, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
  ];
  const found = [];
  for (const doc of docs) {
    const lines = readFileSync(join(root, doc), 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      const open = /^```(js|javascript|jsx|ts|typescript|tsx)\s*$/.exec(lines[i]);
      if (!open) continue;
      const end = lines.indexOf('```', i + 1);
      if (end < 0) throw new Error(`${doc}:${i + 1}: unclosed fence`);
      const skipped = /<!-- snippet: skip/.test(lines[i - 1] ?? '');
      if (!skipped) found.push({ file: doc, line: i + 1, lang: open[1], code: lines.slice(i + 1, end).join('\n') });
      i = end;
    }
  }
  return found;
}

/** Writes the snippets; returns the files written. */
export function writeSnippets() {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  return snippets().map(({ file, line, lang, code }) => {
    const jsx = lang === 'jsx' || lang === 'tsx';
    const name = `${basename(file, '.md')}-${line}.${jsx ? 'tsx' : 'ts'}`;
    // Each is a module (its names do not meet the others'), and says where
    // it comes from, for the compiler's messages.
    writeFileSync(join(out, name), `// ${file}:${line}\n${code}\nexport {};\n`);
    return name;
  });
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(writeSnippets().join('\n'));
