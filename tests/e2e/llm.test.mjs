// LLM token streams through the EventSource class, in a real browser,
// against local servers in the shapes of OpenAI Chat Completions, OpenAI
// Responses and Anthropic Messages (tests/server/llm.mjs): a clean end, a
// cut mid-answer, a wrong key (401), a rate limit (429 with Retry-After),
// and a resumable stream. What must hold: one request per answer, every
// token exactly once, the provider's message in the error.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from '../server/sse-test-server.mjs';
import { ANSWER, CUT_AFTER, TOKENS } from '../server/llm.mjs';
import { stop } from './static.mjs';
import { openPackagePage } from './browser.mjs';

let sse;
let fixture;
const base = () => `http://127.0.0.1:${sse.address().port}`;

before(async () => {
  sse = await startTestServer(0);
  fixture = await openPackagePage();
});

after(async () => {
  await fixture?.close();
  if (sse) await stop(sse);
});

const APIS = ['openai-chat', 'openai-responses', 'anthropic'];
let runs = 0;
/** A run of the server: its own id, so its requests are counted alone. */
const newRun = (api) => `${api}-${++runs}`;
const requests = async (run) => (await fetch(`${base()}/llm-requests/${run}`)).json();

/**
 * Streams one answer in the page: `for await` over a POST source with the
 * API's key, body and end preset (unless `preset` is false), plus `init`.
 * Resolves to the tokens, the error thrown (if any), the error events seen
 * and the final readyState.
 */
function answer(api, run, { scenario = 'clean', key = 'sk-test', preset = true, init = {} } = {}) {
  return fixture.page.evaluate(
    async ([api, url, key, preset, init]) => {
      const { EventSource } = window.esw;
      const { ends } = window;
      const setup = {
        'openai-chat': {
          headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
          body: { model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }], stream: true },
          endEvent: ends.openaiChat,
          token: (e) =>
            e.type === 'message' && e.data !== '[DONE]' ? JSON.parse(e.data).choices[0].delta.content : '',
        },
        'openai-responses': {
          headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
          body: { model: 'gpt-test', input: 'hi', stream: true },
          endEvent: ends.openaiResponses,
          token: (e) => (e.type === 'response.output_text.delta' ? JSON.parse(e.data).delta : ''),
        },
        anthropic: {
          headers: { 'x-api-key': key, 'anthropic-version': '2023-06-01', 'Content-Type': 'application/json' },
          body: { model: 'claude-test', max_tokens: 256, messages: [{ role: 'user', content: 'hi' }], stream: true },
          endEvent: ends.anthropic,
          token: (e) => (e.type === 'content_block_delta' ? JSON.parse(e.data).delta.text : ''),
        },
      }[api];
      if (init.resumeUrl) init.resumeUrl = new URL(init.resumeUrl, url).href;
      // OpenAI Responses' resume, as the README writes it: a GET of the
      // response's stream after the last sequence number delivered.
      let responseId = null;
      if (init.responsesResume) {
        delete init.responsesResume;
        init.resume = ({ lastEvent }) =>
          responseId &&
          lastEvent && {
            url: `/llm-responses/${responseId}?stream=true&starting_after=${JSON.parse(lastEvent.data).sequence_number}`,
            method: 'GET',
          };
      }
      // A resume by the response alone: its stream again from the start.
      if (init.runResume) {
        delete init.runResume;
        init.resume = () => responseId && { url: `/llm-responses/${responseId}?stream=true` };
      }
      const source = new EventSource(url, {
        method: 'POST',
        headers: setup.headers,
        body: JSON.stringify(setup.body),
        ...(preset ? { endEvent: setup.endEvent } : {}),
        ...init,
      });
      const errors = [];
      source.addEventListener('error', (e) => {
        if (e.error)
          errors.push({ status: e.error.status, reconnectIn: e.reconnectIn, message: e.error.serverMessage });
      });
      const tokens = [];
      let thrown = null;
      try {
        for await (const event of source) {
          if (event.type === 'response.created') responseId = JSON.parse(event.data).response.id;
          const token = setup.token(event);
          if (token) tokens.push(token);
        }
      } catch (error) {
        thrown = {
          type: error.type,
          cause: error.cause?.type ?? null,
          status: error.status ?? null,
          serverMessage: error.serverMessage ?? null,
          message: error.message,
          // null for absent (WebDriver carries no undefined).
          provider: [error.eventType ?? null, error.errorType ?? null, error.code ?? null],
        };
      }
      return { tokens, thrown, errors, readyState: source.readyState };
    },
    [api, `${base()}/llm/${api}/${run}?scenario=${scenario}`, key, preset, init],
  );
}

for (const api of APIS) {
  describe(`${api}`, () => {
    test('a clean answer: every token once, then the end preset closes; one request', { timeout: 20_000 }, async () => {
      const run = newRun(api);
      const r = await answer(api, run);
      assert.equal(r.tokens.join(''), ANSWER);
      assert.deepEqual([r.thrown, r.errors, r.readyState], [null, [], 2]);
      assert.equal((await requests(run)).length, 1);
    });

    test('without the preset: the answer, then a truncated error (no `end` came) instead of a second request', {
      timeout: 20_000,
    }, async () => {
      const run = newRun(api);
      const r = await answer(api, run, { preset: false });
      assert.equal(r.tokens.join(''), ANSWER);
      assert.deepEqual([r.thrown?.type, r.thrown?.cause], ['truncated', 'stream-ended']);
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal((await requests(run)).length, 1);
    });

    test('cut mid-answer: the tokens so far, once; not sent again', { timeout: 20_000 }, async () => {
      const run = newRun(api);
      const r = await answer(api, run, { scenario: 'cut' });
      assert.deepEqual(r.tokens, TOKENS.slice(0, CUT_AFTER));
      assert.equal(r.thrown?.type, 'truncated');
      // WebKit's fetch() reports a chunked body cut short as a normal end:
      // truncated all the same, as the API's last event never came.
      assert.ok(['network', 'stream-ended'].includes(r.thrown.cause), r.thrown.cause);
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal((await requests(run)).length, 1);
    });

    test("the API reports a failure mid-answer: the tokens before it, then the provider's typed error; one request", {
      timeout: 20_000,
    }, async () => {
      const run = newRun(api);
      const r = await answer(api, run, { scenario: 'failed' });
      assert.deepEqual(r.tokens, TOKENS.slice(0, CUT_AFTER));
      const expected = {
        anthropic: [['error', 'overloaded_error', null], 'Overloaded'],
        'openai-responses': [['response.failed', null, 'server_error'], 'The model failed to generate a response.'],
        'openai-chat': [['message', 'server_error', null], 'The server had an error while processing your request.'],
      }[api];
      assert.equal(r.thrown?.type, 'provider', JSON.stringify(r.thrown));
      assert.deepEqual([r.thrown.provider, r.thrown.serverMessage], expected);
      assert.ok(r.thrown.message.endsWith(`: ${expected[1]}`), r.thrown.message);
      assert.equal(r.readyState, 2);
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal((await requests(run)).length, 1);
    });

    test("the response ends before the API's last event: truncated, never a clean end", {
      timeout: 20_000,
    }, async () => {
      const run = newRun(api);
      const r = await answer(api, run, { scenario: 'truncated' });
      assert.equal(r.tokens.join(''), ANSWER);
      assert.deepEqual([r.thrown?.type, r.thrown?.cause], ['truncated', 'stream-ended']);
      assert.equal((await requests(run)).length, 1);
    });

    test("a wrong key: 401 with the provider's message", { timeout: 20_000 }, async () => {
      const run = newRun(api);
      const r = await answer(api, run, { key: 'sk-bad' });
      const said = api === 'anthropic' ? 'invalid x-api-key' : 'Incorrect API key provided: sk-bad.';
      assert.equal(r.thrown?.status, 401);
      assert.ok(r.thrown.serverMessage.startsWith(said), r.thrown.serverMessage);
      assert.ok(r.thrown.message.includes(said), r.thrown.message);
      assert.ok(!r.thrown.message.includes('sk-test'), 'no request header value in the error');
      assert.deepEqual(r.tokens, []);
      assert.equal((await requests(run)).length, 1);
    });

    test('429 with Retry-After: final by default; with retryStatuses, retried after it, then one answer', {
      timeout: 20_000,
    }, async () => {
      const said = api === 'anthropic' ? 'Number of request tokens' : 'Rate limit reached';
      const once = newRun(api);
      const r1 = await answer(api, once, { scenario: '429' });
      assert.equal(r1.thrown?.status, 429);
      assert.ok(r1.thrown.serverMessage.startsWith(said), r1.thrown.serverMessage);
      assert.equal((await requests(once)).length, 1);

      const retried = newRun(api);
      const r2 = await answer(api, retried, { scenario: '429', init: { retryStatuses: [429] } });
      assert.equal(r2.errors.length, 1);
      assert.equal(r2.errors[0].status, 429);
      assert.ok(r2.errors[0].reconnectIn >= 1000, `waits Retry-After: ${r2.errors[0].reconnectIn}`);
      assert.ok(r2.errors[0].message.startsWith(said));
      assert.equal(r2.tokens.join(''), ANSWER);
      assert.equal(r2.thrown, null);
      const got = await requests(retried);
      assert.equal(got.length, 2, 'the refused request, then the one that answered');
      assert.ok(got[1].at - got[0].at >= 990);
    });

    test('a resumable stream (event IDs) resumes after a cut: no token repeated or lost', {
      timeout: 20_000,
    }, async () => {
      const run = newRun(api);
      const r = await answer(api, run, { scenario: 'resumable', init: { retry: { initialDelay: 50 } } });
      assert.deepEqual(r.tokens, TOKENS);
      assert.equal(r.thrown, null);
      const got = await requests(run);
      assert.deepEqual(
        got.map((q) => [q.method, q.lastEventId, q.body !== '']),
        [
          ['POST', null, true],
          ['POST', String(CUT_AFTER - 1), true],
        ],
      );
      // MCP's pattern: the resume is a GET of another URL, without the body.
      const viaGet = newRun(api);
      const r2 = await answer(api, viaGet, {
        scenario: 'resumable',
        init: { retry: { initialDelay: 50 }, resumeUrl: `/llm-resume/${viaGet}` },
      });
      assert.deepEqual(r2.tokens, TOKENS);
      assert.deepEqual(
        (await requests(viaGet)).map((q) => [q.method, q.path, q.lastEventId, q.body]),
        [
          ['POST', `/llm/${api}/${viaGet}`, null, (await requests(viaGet))[0].body],
          ['GET', `/llm-resume/${viaGet}`, String(CUT_AFTER - 1), ''],
        ],
      );
    });
  });
}

describe('openai-responses, resumed by a resume function', () => {
  test('a cut answer resumes with starting_after: every token once, no second generation', {
    timeout: 20_000,
  }, async () => {
    const run = newRun('openai-responses');
    const r = await answer('openai-responses', run, {
      scenario: 'resume-cursor',
      init: { retry: { initialDelay: 50 }, responsesResume: true },
    });
    assert.deepEqual(r.tokens, TOKENS);
    assert.equal(r.thrown, null);
    const got = await requests(run);
    // The first request's stream carried response.created (0), .in_progress
    // (1), output_item.added (2) and CUT_AFTER deltas.
    assert.deepEqual(
      got.map((q) => [q.method, q.path, q.query, q.body !== '']),
      [
        ['POST', `/llm/openai-responses/${run}`, '?scenario=resume-cursor', true],
        ['GET', `/llm-responses/resp_${run}`, `?stream=true&starting_after=${2 + CUT_AFTER}`, false],
      ],
    );
  });

  test('a resume that replays the stream from its start: the cursor drops what came, every token once', {
    timeout: 20_000,
  }, async () => {
    const run = newRun('openai-responses');
    const r = await answer('openai-responses', run, {
      scenario: 'resume-cursor',
      init: { retry: { initialDelay: 50 }, runResume: true, cursor: 'sequence_number' },
    });
    assert.deepEqual(r.tokens, TOKENS);
    assert.equal(r.thrown, null);
    const got = await requests(run);
    assert.deepEqual(
      got.map((q) => [q.method, q.path, q.query]),
      [
        ['POST', `/llm/openai-responses/${run}`, '?scenario=resume-cursor'],
        ['GET', `/llm-responses/resp_${run}`, '?stream=true'],
      ],
    );
    // Without the cursor (no event IDs to tell them), the replay arrives
    // twice.
    const again = await answer('openai-responses', newRun('openai-responses'), {
      scenario: 'resume-cursor',
      init: { retry: { initialDelay: 50 }, runResume: true },
    });
    assert.deepEqual(again.tokens, [...TOKENS.slice(0, CUT_AFTER), ...TOKENS]);
  });

  test('a resume the server refuses (404): resume-expired, after the tokens that came', {
    timeout: 20_000,
  }, async () => {
    const run = newRun('openai-responses');
    const r = await answer('openai-responses', run, {
      scenario: 'resume-expired',
      init: { retry: { initialDelay: 50 }, responsesResume: true },
    });
    assert.deepEqual(r.tokens, TOKENS.slice(0, CUT_AFTER));
    assert.deepEqual(
      [r.thrown?.type, r.thrown?.status, r.thrown?.serverMessage, r.readyState],
      ['resume-expired', 404, `No response found with id 'resp_${run}'.`, 2],
    );
    assert.equal((await requests(run)).length, 2);
  });
});
