// The interop script on Express (see fastapi_server.py for the script).
import express from 'express';

const app = express();
app.use((req, res, next) => {
  res.set('Access-Control-Allow-Origin', req.get('origin') ?? '*');
  res.set('Access-Control-Allow-Headers', req.get('access-control-request-headers') ?? '*');
  res.set('Access-Control-Allow-Methods', 'GET, POST');
  res.set('Vary', 'Origin');
  if (req.method === 'OPTIONS') return res.sendStatus(204);
  next();
});
app.get('/events', (req, res) => {
  const auth = req.get('authorization');
  if (!auth) return res.status(401).json({ error: 'no authorization' });
  const last = Number.parseInt(req.get('last-event-id') ?? '', 10);
  const start = Number.isFinite(last) ? last + 1 : 1;
  const stop = Math.min(start + 2, 5);
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', 'X-Accel-Buffering': 'no' });
  res.write('retry: 100\n\n');
  for (let n = start; n <= stop; n++) res.write(`id: ${n}\nevent: num\ndata: ${JSON.stringify({ n, auth })}\n\n`);
  if (stop === 5) res.write('event: end\ndata: done\n\n');
  res.end();
});
const server = app.listen(0, '127.0.0.1', () => console.log(`listening http://127.0.0.1:${server.address().port}`));
