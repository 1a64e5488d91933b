/**
 * `eventsource-wasm/llm`: the `endEvent` presets for the token streams of
 * the big LLM APIs, none of which sends `event: end`.
 *
 * @example
 * import { EventSource } from 'eventsource-wasm';
 * import { ends } from 'eventsource-wasm/llm';
 * const es = new EventSource('/v1/chat/completions', {
 *   method: 'POST',
 *   headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
 *   body: JSON.stringify({ model, messages, stream: true }),
 *   endEvent: ends.openaiChat,
 * });
 *
 * @packageDocumentation
 */

import type { EndPreset } from './index.js';

export type { EndPreset };

/** Values for the `endEvent` option: each names a rule of the WebAssembly core, the same rule as the Rust API's `EndRule` presets. */
export declare const ends: {
  /** OpenAI Chat Completions (and the APIs that copy its format): the event whose data is `[DONE]`. Data that is `{"error": …}` fails the source with an `SseError` of type `"provider"`. */
  readonly openaiChat: EndPreset & { readonly preset: 'openai-chat' };
  /** OpenAI Responses: `response.completed`. `response.failed`, `response.incomplete` and `error` fail the source with an `SseError` of type `"provider"`. */
  readonly openaiResponses: EndPreset & { readonly preset: 'openai-responses' };
  /** Anthropic Messages: `message_stop`. Its `error` event (`overloaded_error`, say) fails the source with an `SseError` of type `"provider"`. */
  readonly anthropic: EndPreset & { readonly preset: 'anthropic' };
};
