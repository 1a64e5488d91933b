// The JavaScript (js/, type-checked by `tsc -p .`) against the hand-written
// declarations users compile with (js/index.d.ts): each export must be
// assignable to what its declaration promises. Nothing here runs.
import type * as Declared from '../../js/index.js';
import * as eventSource from '../../js/event-source.js';
import * as parser from '../../js/create-parser.js';
import type * as DeclaredParser from '../../js/parser.js';
import * as parserStream from '../../js/parser-stream.js';
import type * as DeclaredStream from '../../js/stream.js';
// js/llm.js is type-checked itself (tsconfig.json); a module with a .d.ts
// beside it resolves to the declarations, which are checked here.
import * as llm from '../../js/llm.js';

/**
 * A class declaration without what the class defines at run time with
 * `Object.defineProperty`, as the native class has them: the read-only
 * `CONNECTING`, `OPEN` and `CLOSED`, and the `on<event>` handler
 * attributes (tests/e2e/js-api.test.mjs and the differential suite check
 * those).
 */
type RunTime = 'CONNECTING' | 'OPEN' | 'CLOSED' | 'onopen' | 'onmessage' | 'onerror' | Inherited | Stats;
/** What `eventsource-wasm/stats` (js/stats.js, declared in js/stats.d.ts) defines on the class
 * when imported (tests/e2e/stats.test.mjs checks it). */
type Stats = 'stats';
/**
 * What the class inherits from `EventTarget`, which takes any listener:
 * the declarations narrow the event a listener gets by its type, as the
 * DOM library declares the built-in class, which no implementation states.
 */
type Inherited = 'addEventListener' | 'removeEventListener';
type WithoutRunTime<C> = Omit<C, RunTime | 'prototype'> &
  (C extends abstract new (...args: infer A) => infer I ? new (...args: A) => Omit<I, RunTime> : never);

export const EventSource: WithoutRunTime<typeof Declared.EventSource> = eventSource.EventSource;
// The error classes and events are made by the source only (their
// declared constructors are private): what they make must be what is
// declared, with an event's `type` widened to `string` (it is declared as
// the literal its constructor passes to `Event`, which JavaScript cannot
// state).
type Made<C extends abstract new (...args: never[]) => unknown> = InstanceType<C>;
type WidenedType<I> = Omit<I, 'type'> & { readonly type: string };
export const sseError: Declared.SseError = {} as Made<typeof eventSource.SseError>;
export const sseErrorEvent: WidenedType<Declared.SseErrorEvent> = {} as Made<typeof eventSource.SseErrorEvent>;
export const reconnectEvent: WidenedType<Declared.ReconnectEvent> = {} as Made<typeof eventSource.ReconnectEvent>;
export const decodeError: Declared.DecodeError = {} as Made<typeof eventSource.DecodeError>;
export const decodeErrorEvent: WidenedType<Declared.DecodeErrorEvent> = {} as Made<typeof eventSource.DecodeErrorEvent>;
export const init: typeof Declared.init = eventSource.init;
export const createParser: typeof DeclaredParser.createParser = parser.createParser;
export const initParser: typeof DeclaredParser.init = parser.init;
export const EventStreamParser: typeof DeclaredStream.EventStreamParser = parserStream.EventStreamParser;
// Each preset is a valid `endEvent`.
export const presets: NonNullable<Declared.EventSourceInit['endEvent']>[] = [
  llm.ends.openaiChat,
  llm.ends.openaiResponses,
  llm.ends.anthropic,
];

// The error types the core names (src/wasm/exports/core.rs, `ErrorType`)
// are exactly the ones declared to users.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const errorTypesAgree: Same<Declared.SseErrorType, import('../../js/wasm/eventsource_wasm.js').ErrorType> = true;
