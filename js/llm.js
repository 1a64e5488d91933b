// `eventsource-wasm/llm`: what ends the token streams of the big LLM APIs,
// as values for the `endEvent` option. None of these APIs sends
// `event: end`; each has its own last event. Each preset is a name: the
// rule itself is the core's (src/connection/end.rs, `EndRule::preset`),
// the same for the Rust API.

/** The `endEvent` presets. */
export const ends = Object.freeze({
  /** OpenAI Chat Completions, and the APIs that copy it: `data: [DONE]`; `{"error": …}` data is a failure. */
  openaiChat: Object.freeze({ preset: /** @type {const} */ ('openai-chat') }),
  /** OpenAI Responses: `response.completed`; `response.failed`, `response.incomplete` and `error` are failures. */
  openaiResponses: Object.freeze({ preset: /** @type {const} */ ('openai-responses') }),
  /** Anthropic Messages: `message_stop`; its `error` event is a failure. */
  anthropic: Object.freeze({ preset: /** @type {const} */ ('anthropic') }),
});
