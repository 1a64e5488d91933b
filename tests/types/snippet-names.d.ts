// What the docs' snippets take from the reader's own app: its functions
// (rendering, tokens) and the values it already has (a key, a prompt, a
// request's headers and body, a response). Each snippet is type-checked
// against these, as code pasted into an app that has them.
import type { EventSource } from 'eventsource-wasm';

declare global {
  function render(...values: unknown[]): void;
  function append(text: string): void;
  function show(value: unknown): void;
  function showLogin(reason?: unknown): void;
  function banner(text: string): void;
  function bar(percent: number): void;
  function handle(type: string, data: string, lastEventId: string): void;
  function getToken(): Promise<string>;
  const token: string;
  const key: string;
  const userId: string;
  const model: string;
  const input: string;
  const messages: { role: string; content: string }[];
  const url: string;
  const headers: Record<string, string>;
  const body: string;
  const controller: AbortController;
  const response: Response;
  const chunk: Uint8Array | string;
  let reconnectDelay: number;
  /** A source the reader made earlier in the page. */
  const es: EventSource;
  interface User {
    name: string;
  }
  /** A schema (zod's `z.object(…)`, say) that checks a value. */
  const Progress: { parse(value: unknown): { percent: number } };
}
