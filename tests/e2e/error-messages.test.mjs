// The class words every error as the Rust API does: js/errors.js against
// tests/data/error-messages.txt, the lines tests/error_messages.rs holds
// Rust's `Display` to (the same errors, in the same order). The details
// are the ones the WebAssembly core hands over (src/wasm/exports/core.rs,
// `error_object`).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { SseError } from '../../js/errors.js';

const DETAILS = [
  { type: 'http-status', status: 503 },
  { type: 'content-type', contentType: 'text/html; charset=utf-8' },
  { type: 'content-type', contentType: null },
  { type: 'network', reason: 'Failed to fetch' },
  { type: 'cors' },
  { type: 'stream-ended' },
  { type: 'idle-timeout', timeout: 45000 },
  { type: 'line-too-long', limit: 1024 },
  { type: 'event-too-large', limit: 2048 },
  { type: 'headers', reason: 'token service down' },
  { type: 'invalid-request', reason: 'invalid name or value for the header "x y"' },
  { type: 'aborted' },
  { type: 'not-resent', cause: { type: 'stream-ended' } },
  { type: 'retries-exhausted', attempts: 3, cause: { type: 'http-status', status: 502 } },
  { type: 'truncated', cause: { type: 'network', reason: 'connection reset' } },
  {
    type: 'provider',
    eventType: 'error',
    errorType: 'overloaded_error',
    body: '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
    serverMessage: 'Overloaded',
  },
  { type: 'provider', eventType: 'response.incomplete', code: 'max_output_tokens', body: '{}' },
  {
    type: 'resume-expired',
    status: 404,
    body: '{"error":{"message":"No response found"}}',
    serverMessage: 'No response found',
  },
];

test('each error reads as Display words it in Rust', () => {
  const lines = readFileSync(new URL('../data/error-messages.txt', import.meta.url), 'utf8')
    .trimEnd()
    .split('\n');
  assert.equal(lines.length, DETAILS.length, 'one line per error');
  DETAILS.forEach((detail, i) => {
    assert.equal(`${detail.type}\t${new SseError(detail).message}`, lines[i]);
  });
});

test('a refused response adds the server message the core found', () => {
  const body = '{"error":{"message":"Incorrect API key"}}';
  const error = new SseError({ type: 'http-status', status: 401, body, serverMessage: 'Incorrect API key' });
  assert.equal(error.message, 'the server answered with HTTP status 401: Incorrect API key');
  assert.equal(error.serverMessage, 'Incorrect API key');
  assert.deepEqual(error.json, { error: { message: 'Incorrect API key' } });
  const plain = new SseError({ type: 'http-status', status: 500, body: 'oops' });
  assert.equal(plain.message, 'the server answered with HTTP status 500');
  assert.equal(plain.serverMessage, undefined);
  assert.equal(plain.json, undefined);
});
