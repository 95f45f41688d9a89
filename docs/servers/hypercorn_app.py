"""hypercorn keeps WebSockets open through its graceful timeout on SIGTERM, then closes them
with 1011. Here SIGTERM first closes every socket with 1012 Service Restart, then stops the server.

    python hypercorn_app.py   (PORT=8000 by default)
"""

import asyncio
import os
import signal
from typing import Any

from hypercorn.asyncio import serve
from hypercorn.config import Config

restarting = asyncio.Event()


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "websocket":
        return
    await receive()  # websocket.connect
    await send({"type": "websocket.accept"})
    restart = asyncio.ensure_future(restarting.wait())
    try:
        while True:
            incoming = asyncio.ensure_future(receive())
            await asyncio.wait({incoming, restart}, return_when=asyncio.FIRST_COMPLETED)
            if restart.done():
                incoming.cancel()
                # Tell the client the server is restarting: it comes back after a short delay.
                await send({"type": "websocket.close", "code": 1012, "reason": ""})
                return
            event = incoming.result()
            if event["type"] != "websocket.receive":
                return
            await send(
                {"type": "websocket.send", "text": event.get("text"), "bytes": event.get("bytes")}
            )
    finally:
        restart.cancel()


async def main() -> None:
    config = Config()
    config.bind = [f"127.0.0.1:{os.environ.get('PORT', '8000')}"]
    stopping = asyncio.Event()

    def shut_down() -> None:
        restarting.set()  # every open socket closes with 1012 ...
        stopping.set()  # ... while hypercorn stops listening and waits for them

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, shut_down)
    await serve(app, config, shutdown_trigger=stopping.wait)  # type: ignore[arg-type]


if __name__ == "__main__":
    asyncio.run(main())
