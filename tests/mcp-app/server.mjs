// An MCP server made with the official TypeScript SDK, as its docs set one
// up: Streamable HTTP, a session per client, the SDK's in-memory event
// store (so streams can resume; with a fix, below) and a retry interval. Listens on
// 127.0.0.1 (port 0: the test reads "listening <url>" from stdout).
//
//   POST/GET/DELETE /mcp    the MCP endpoint
//   GET /close-standby?session=S   the server closes the session's standby
//                          GET stream (the SDK's polling)
//   GET /notify?session=S&text=T   a server-initiated log message, which
//                          goes to the standby stream
//
// Tool `count` ({ to, cut }): a log message `n1` ... `n<to>` every 30 ms,
// then the text `counted to <to>`. After `n3` the stream is ended: `close`
// as the SDK's polling does (closeSSEStream), or `drop`, the connection
// cut. CORS is open, so that a page from another port can call it.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { InMemoryEventStore } from '@modelcontextprotocol/sdk/examples/shared/inMemoryEventStore.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The SDK's in-memory event store, with one fix: it names events
 * `<stream>_<time>_<random>` and reads the stream back as the part before
 * the first `_`, which for the standby stream (`_GET_stream`) is empty, so
 * that stream's resume replays nothing and is then not the standby stream
 * any more: notifications sent to it after a resume are lost. Read from the
 * end instead.
 */
class EventStore extends InMemoryEventStore {
  getStreamIdFromEventId(eventId) {
    return eventId.split('_').slice(0, -2).join('_');
  }
}
const sessions = new Map();
// The connection of the latest tools/call, for `cut: 'drop'`.
let callSocket = null;

async function newSession() {
  const server = new McpServer({ name: 'eventsource-wasm-test', version: '1.0.0' }, { capabilities: { logging: {} } });
  server.registerTool(
    'count',
    { description: 'Counts, logging each number', inputSchema: { to: z.number(), cut: z.enum(['close', 'drop']) } },
    async ({ to, cut }, extra) => {
      const socket = callSocket;
      for (let n = 1; n <= to; n++) {
        await extra.sendNotification({ method: 'notifications/message', params: { level: 'info', data: `n${n}` } });
        await sleep(30);
        if (n === 3) {
          if (cut === 'close') extra.closeSSEStream?.();
          else socket?.destroy();
          await sleep(30);
        }
      }
      return { content: [{ type: 'text', text: `counted to ${to}` }] };
    },
  );
  const transport = new StreamableHTTPServerTransport({
    sessionIdGenerator: () => randomUUID(),
    eventStore: new EventStore(),
    retryInterval: 100,
    onsessioninitialized: (id) => sessions.set(id, { server, transport }),
  });
  await server.connect(transport);
  return transport;
}

async function body(req) {
  const parts = [];
  for await (const part of req) parts.push(part);
  const text = Buffer.concat(parts).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}

const http = createServer(async (req, res) => {
  res.setHeader('Access-Control-Allow-Origin', req.headers.origin ?? '*');
  res.setHeader('Access-Control-Expose-Headers', 'mcp-session-id');
  if (req.method === 'OPTIONS') {
    res.writeHead(204, {
      'Access-Control-Allow-Methods': 'GET, POST, DELETE',
      'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? '*',
    });
    res.end();
    return;
  }
  const url = new URL(req.url, 'http://x');
  const session = sessions.get(url.searchParams.get('session') ?? req.headers['mcp-session-id']);
  try {
    if (url.pathname === '/close-standby' && session) {
      session.transport.closeStandaloneSSEStream();
      res.end('closed');
    } else if (url.pathname === '/notify' && session) {
      await session.server.server.sendLoggingMessage({ level: 'info', data: url.searchParams.get('text') });
      res.end('sent');
    } else if (url.pathname === '/mcp') {
      const parsed = req.method === 'POST' ? await body(req) : undefined;
      if (parsed?.method === 'tools/call') callSocket = req.socket;
      const transport = session?.transport ?? (isInitializeRequest(parsed) ? await newSession() : null);
      if (!transport) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: 'No session' }, id: null }));
        return;
      }
      await transport.handleRequest(req, res, parsed);
    } else {
      res.writeHead(404).end();
    }
  } catch (error) {
    if (!res.headersSent) res.writeHead(500).end(String(error));
  }
});
http.listen(0, '127.0.0.1', () => console.log(`listening http://127.0.0.1:${http.address().port}`));
