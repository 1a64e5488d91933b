// Only because this app sits inside the eventsource-wasm repository (in
// target/): its lockfile would otherwise make Turbopack take the repository
// as the project root. Nothing here is for the package.
import { fileURLToPath } from 'node:url';

export default { turbopack: { root: fileURLToPath(new URL('.', import.meta.url)) } };
