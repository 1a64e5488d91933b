// Rendered on the server (the package is imported there too, and must not
// touch the network or the DOM), then live in the browser.
import { Ticker } from './ticker';

export const dynamic = 'force-dynamic';

export default async function Page({ searchParams }) {
  const { sse } = await searchParams;
  return (
    <main>
      <h1 id="rendered">rendered on the server</h1>
      <Ticker url={sse ?? null} />
    </main>
  );
}
