// The web types the declarations use, named here (and re-exported by
// index.d.ts) so that no declaration needs a type only the DOM library has:
// they type-check in a project whose `lib` has no "dom" (Node, Workers),
// with `@types/node` or a runtime's own types giving `Event`, `Request` and
// the rest. Where the DOM library has a type, these are the same shape.

/** A request body, as `fetch` takes it (the DOM's `BodyInit`). */
export type RequestBody =
  | string
  | ArrayBuffer
  | ArrayBufferView
  | Blob
  | FormData
  | URLSearchParams
  | ReadableStream<Uint8Array>;

/** `fetch`'s credentials mode (the DOM's `RequestCredentials`). */
export type CredentialsMode = 'omit' | 'same-origin' | 'include';

/**
 * The `MessageEvent` the source dispatches: `data` is the event's data as
 * text. (`MessageEvent<string>` where the DOM library is present.)
 */
export type SseMessageEvent = Omit<MessageEvent, 'data'> & { readonly data: string };

/** A DOM listener: a function, or an object with `handleEvent`. */
export type Listener = ((event: Event) => unknown) | { handleEvent(event: Event): unknown };

/** `addEventListener`'s options (the DOM's `AddEventListenerOptions`). */
export interface ListenerOptions {
  capture?: boolean;
  once?: boolean;
  passive?: boolean;
  signal?: AbortSignal;
}

/**
 * A compiled `WebAssembly.Module` (named here as an object, so that the
 * declarations need no DOM library).
 */
export type WasmModule = object;
