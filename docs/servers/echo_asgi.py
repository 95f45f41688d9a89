"""An ASGI WebSocket echo app. uvicorn needs nothing more: on SIGTERM it closes every open
WebSocket with 1012 Service Restart by itself.

    uvicorn echo_asgi:app --host 127.0.0.1 --port 8000
"""

from typing import Any


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "websocket":
        return
    await receive()  # websocket.connect
    await send({"type": "websocket.accept"})
    while (event := await receive())["type"] == "websocket.receive":
        await send(
            {"type": "websocket.send", "text": event.get("text"), "bytes": event.get("bytes")}
        )
