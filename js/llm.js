// `eventsource-wasm/llm`: what ends the token streams of the big LLM APIs,
// as values for the `endEvent` option. None of these APIs sends
// `event: end`; each has its own last event. The Rust API has the same
// presets (`connection::End`).

/** The `endEvent` presets. */
export const ends = Object.freeze({
  /** OpenAI Chat Completions, and the APIs that copy it: `data: [DONE]`. */
  openaiChat: (/** @type {string} */ _type, /** @type {string} */ data) => data === '[DONE]',
  /** OpenAI Responses: its terminal events. */
  openaiResponses: Object.freeze(['response.completed', 'response.failed', 'response.incomplete', 'error']),
  /** Anthropic Messages. */
  anthropic: Object.freeze(['message_stop', 'error']),
});
