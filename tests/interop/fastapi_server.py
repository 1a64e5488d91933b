"""The interop script on FastAPI with sse-starlette.

GET /events needs an Authorization header (else 401). It sends `retry: 100`,
then `num` events with ids, three per response, starting after Last-Event-ID;
after event 5 it sends `event: end`. Each event echoes the Authorization it
got. Prints "listening <url>" once bound to a free port of 127.0.0.1.
"""
import json
import socket

import uvicorn
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from sse_starlette.sse import EventSourceResponse, ServerSentEvent

app = FastAPI()
app.add_middleware(
    CORSMiddleware, allow_origins=["*"], allow_methods=["*"], allow_headers=["*"]
)


@app.get("/events")
async def events(request: Request):
    auth = request.headers.get("authorization")
    if not auth:
        return JSONResponse({"error": "no authorization"}, status_code=401)
    last = request.headers.get("last-event-id", "")
    start = int(last) + 1 if last.isdigit() else 1
    stop = min(start + 2, 5)

    async def stream():
        yield ServerSentEvent(retry=100)
        for n in range(start, stop + 1):
            yield ServerSentEvent(id=str(n), event="num", data=json.dumps({"n": n, "auth": auth}))
        if stop == 5:
            yield ServerSentEvent(event="end", data="done")

    return EventSourceResponse(stream())


if __name__ == "__main__":
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    print(f"listening http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[sock])
