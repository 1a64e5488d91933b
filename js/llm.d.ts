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

/** Values for the `endEvent` option. */
export declare const ends: {
  /** OpenAI Chat Completions (and the APIs that copy its format): the event whose data is `[DONE]`. */
  readonly openaiChat: (type: string, data: string) => boolean;
  /** OpenAI Responses: `response.completed`, `response.failed`, `response.incomplete` and `error`. */
  readonly openaiResponses: readonly string[];
  /** Anthropic Messages: `message_stop` and `error`. */
  readonly anthropic: readonly string[];
};
