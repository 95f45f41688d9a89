"""A small ASGI echo app for real-server restarts (issue 14): uvicorn and hypercorn serve it.

Every text message comes back as it was; "bye" is answered with a 1000 Normal Closure, so a
test can end a session from the server's side. Served as `tests.support.asgi_echo:app` by
`python -m uvicorn` or `python -m hypercorn` (see real_restart.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

BYE = "bye"


async def app(scope: Message, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        while True:
            event = await receive()
            if event["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif event["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] == "http":
        await send({"type": "http.response.start", "status": 404, "headers": []})
        await send({"type": "http.response.body", "body": b"a WebSocket echo only\n"})
        return
    if scope["type"] != "websocket":
        return
    await receive()  # websocket.connect
    await send({"type": "websocket.accept"})
    while True:
        event = await receive()
        if event["type"] == "websocket.disconnect":
            return
        text = event.get("text")
        if text == BYE:
            await send({"type": "websocket.close", "code": 1000})
            return
        if text is not None:
            await send({"type": "websocket.send", "text": text})
