// Token streams in the shapes of three LLM APIs, for the browser tests of
// LLM use (tests/e2e/llm.test.mjs, tests/web_client.rs). Mounted by the
// scriptable test server (sse-test-server.mjs):
//
//   POST /llm/<api>/<run>?scenario=S   api: openai-chat (Chat Completions),
//                         openai-responses (Responses), anthropic (Messages)
//   GET  /llm-resume/<run>   the resume URL of a resumable run (MCP-style:
//                         a GET with Last-Event-ID)
//   GET  /llm-requests/<run>  the requests a run received, as JSON
//   GET  /llm-responses/resp_<run>?stream=true&starting_after=N  the
//                         Responses API's resume of a response's stream:
//                         its events after sequence number N (without
//                         starting_after, all of them again)
//
// Each answer is ANSWER, in TOKENS, one event per token (20 ms apart),
// framed as the API frames it: OpenAI Chat's `data: {chunk}` ... `data:
// [DONE]`, the Responses API's typed events ending with
// `response.completed`, Anthropic's `message_start` ... `message_stop`
// (with its `ping`). The key is checked as each API checks it
// (`Authorization: Bearer sk-test`, or `x-api-key: sk-test`); a wrong one
// gets the API's own 401 error body. Scenarios:
//   clean      the whole answer, then the API's end, then the response ends
//   cut        the connection is cut after CUT_AFTER tokens
//   429        the run's first request gets the API's rate-limit error, with
//              `Retry-After: 1`; later ones get the answer
//   resumable  every token has an event ID; the first request is cut after
//              CUT_AFTER tokens, and a request with `Last-Event-ID: n` (the
//              same POST, or a GET of /llm-resume/<run>) goes on from token
//              n + 1
//   slow       the clean answer, 200 ms per token
//   failed     after CUT_AFTER tokens, the API's own report of a failure
//              inside the stream (Anthropic's `error` event with
//              `overloaded_error`, Responses' `response.failed`, Chat's
//              `{"error": …}` data), then the response ends
//   truncated  every token, then the response ends cleanly before the
//              API's last event
//   resume-cursor   (Responses) no event IDs; the first request is cut
//              after CUT_AFTER tokens, and the stream resumes with a GET of
//              /llm-responses/resp_<run>?stream=true&starting_after=N
//   resume-expired  the same cut, and that GET gets the API's 404
export const ANSWER = 'Server-Sent Events carry each token of the answer exactly once, in order.';
export const TOKENS = ANSWER.match(/\S+\s*/g);
export const CUT_AFTER = 5;

const runs = new Map();
const run = (id) => {
  if (!runs.has(id)) runs.set(id, { requests: [], scenario: 'clean', api: 'openai-chat' });
  return runs.get(id);
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const json = (value) => JSON.stringify(value);

/** The API's error body for a wrong key (401) or a rate limit (429). */
function errorBody(api, status) {
  if (api === 'anthropic') {
    return status === 401
      ? { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } }
      : {
          type: 'error',
          error: {
            type: 'rate_limit_error',
            message: 'Number of request tokens has exceeded your per-minute rate limit',
          },
        };
  }
  return status === 401
    ? {
        error: {
          message:
            'Incorrect API key provided: sk-bad. You can find your API key at https://platform.openai.com/account/api-keys.',
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_api_key',
        },
      }
    : {
        error: {
          message:
            'Rate limit reached for gpt-test in organization org-test on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 1s.',
          type: 'requests',
          param: null,
          code: 'rate_limit_exceeded',
        },
      };
}

/** The events of one answer in the API's framing: [{ event?, data, token? }],
 * `token` being the index of the token the event carries. */
function frames(api, id) {
  const out = [];
  if (api === 'openai-chat') {
    const chunk = (delta, finish = null) =>
      json({
        id: `chatcmpl-${id}`,
        object: 'chat.completion.chunk',
        created: 1764460800,
        model: 'gpt-test',
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      });
    out.push({ data: chunk({ role: 'assistant', content: '', refusal: null }) });
    for (const [i, t] of TOKENS.entries()) out.push({ data: chunk({ content: t }), token: i });
    out.push({ data: chunk({}, 'stop') });
    out.push({ data: '[DONE]' });
  } else if (api === 'openai-responses') {
    let seq = 0;
    const response = (status) => ({ id: `resp_${id}`, object: 'response', status, model: 'gpt-test' });
    const ev = (type, fields) => ({ event: type, data: json({ type, sequence_number: seq++, ...fields }) });
    out.push(ev('response.created', { response: { ...response('in_progress'), output: [] } }));
    out.push(ev('response.in_progress', { response: { ...response('in_progress'), output: [] } }));
    const item = { id: 'msg_1', type: 'message', status: 'in_progress', role: 'assistant', content: [] };
    out.push(ev('response.output_item.added', { output_index: 0, item }));
    for (const [i, delta] of TOKENS.entries()) {
      out.push({
        ...ev('response.output_text.delta', { item_id: 'msg_1', output_index: 0, content_index: 0, delta }),
        token: i,
      });
    }
    out.push(ev('response.output_text.done', { item_id: 'msg_1', output_index: 0, content_index: 0, text: ANSWER }));
    const done = { ...item, status: 'completed', content: [{ type: 'output_text', text: ANSWER, annotations: [] }] };
    out.push(ev('response.completed', { response: { ...response('completed'), output: [done] } }));
  } else {
    const ev = (type, fields) => ({ event: type, data: json({ type, ...fields }) });
    out.push(
      ev('message_start', {
        message: {
          id: `msg_${id}`,
          type: 'message',
          role: 'assistant',
          content: [],
          model: 'claude-test',
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 12, output_tokens: 1 },
        },
      }),
    );
    out.push(ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }));
    out.push({ event: 'ping', data: '{"type": "ping"}' });
    for (const [i, text] of TOKENS.entries()) {
      out.push({ ...ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text } }), token: i });
    }
    out.push(ev('content_block_stop', { index: 0 }));
    out.push(
      ev('message_delta', {
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { output_tokens: TOKENS.length },
      }),
    );
    out.push(ev('message_stop', {}));
  }
  return out;
}

async function readBody(req) {
  const parts = [];
  for await (const part of req) parts.push(part);
  return Buffer.concat(parts).toString('utf8');
}

/** The event in which `api` reports, mid-stream, that the answer failed. */
function failure(api, id) {
  if (api === 'anthropic') {
    return {
      event: 'error',
      data: json({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
    };
  }
  if (api === 'openai-responses') {
    const error = { code: 'server_error', message: 'The model failed to generate a response.' };
    return {
      event: 'response.failed',
      data: json({
        type: 'response.failed',
        response: { id: `resp_${id}`, object: 'response', status: 'failed', error },
      }),
    };
  }
  const error = { message: 'The server had an error while processing your request.', type: 'server_error' };
  return { data: json({ error: { ...error, param: null, code: null } }) };
}

/** Serves the stream of `api` for a run: all of it, or, resuming after
 * token `from`, the events from the next token on. */
async function stream(req, res, r, api, id, from, after) {
  const resumable = r.scenario === 'resumable';
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  res.flushHeaders();
  const all = frames(api, id);
  // Without the API's last event.
  if (r.scenario === 'truncated') all.pop();
  const start =
    after !== undefined
      ? all.findIndex((f) => JSON.parse(f.data).sequence_number > after)
      : from < 0
        ? 0
        : all.findIndex((f) => f.token > from);
  const first = r.requests.length === 1;
  const cut = (r.scenario === 'cut' || ((resumable || r.scenario.startsWith('resume-')) && first)) && CUT_AFTER;
  let sent = 0;
  for (const frame of all.slice(start < 0 ? all.length : start)) {
    if (r.scenario === 'failed' && frame.token !== undefined && sent === CUT_AFTER) {
      const f = failure(api, id);
      res.end(`${f.event ? `event: ${f.event}\n` : ''}data: ${f.data}\n\n`);
      return;
    }
    if (cut && frame.token !== undefined && sent === cut) {
      // Give the client time to read what it has, then cut.
      await sleep(300);
      req.socket.destroy();
      return;
    }
    let text = '';
    if (resumable && frame.token !== undefined) text += `id: ${frame.token}\n`;
    if (frame.event) text += `event: ${frame.event}\n`;
    text += `data: ${frame.data}\n\n`;
    if (frame.token !== undefined) {
      sent++;
      await sleep(r.scenario === 'slow' ? 200 : 20);
    }
    if (res.destroyed) return;
    res.write(text);
  }
  res.end();
}

/** Handles /llm, /llm-resume and /llm-requests; false for other paths. */
export async function serveLlm(req, res, kind, parts) {
  if (kind === 'llm-requests') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(json(run(parts[0]).requests));
    return true;
  }
  if (kind !== 'llm' && kind !== 'llm-resume' && kind !== 'llm-responses') return false;
  const resume = kind !== 'llm';
  const [api, id] =
    kind === 'llm-responses' ? [null, parts[0].replace(/^resp_/, '')] : resume ? [null, parts[0]] : parts;
  const r = run(id);
  const url = new URL(req.url, 'http://x');
  if (!resume) {
    r.api = api;
    r.scenario = url.searchParams.get('scenario') ?? r.scenario;
  }
  const lastEventId = req.headers['last-event-id'];
  r.requests.push({
    method: req.method,
    path: url.pathname,
    query: url.search,
    body: await readBody(req),
    lastEventId: lastEventId ?? null,
    at: Date.now(),
  });
  const key = r.api === 'anthropic' ? req.headers['x-api-key'] : req.headers.authorization?.replace(/^Bearer /, '');
  if (key !== 'sk-test') {
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(json(errorBody(r.api, 401)));
    return true;
  }
  if (r.scenario === '429' && r.requests.length === 1) {
    res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
    res.end(json(errorBody(r.api, 429)));
    return true;
  }
  if (kind === 'llm-responses' && r.scenario === 'resume-expired') {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(
      json({
        error: {
          message: `No response found with id 'resp_${id}'.`,
          type: 'invalid_request_error',
          param: null,
          code: null,
        },
      }),
    );
    return true;
  }
  const from = lastEventId === undefined ? -1 : Number(lastEventId);
  const cursor = url.searchParams.get('starting_after');
  const after = kind === 'llm-responses' ? (cursor === null ? -1 : Number(cursor)) : undefined;
  await stream(req, res, r, r.api, id, from, after);
  return true;
}
