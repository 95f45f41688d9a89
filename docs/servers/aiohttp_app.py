"""aiohttp sends no close frame on SIGTERM by default (clients see 1006). An on_shutdown handler
closes every open WebSocket with 1012 Service Restart instead.

    python aiohttp_app.py   (PORT=8080 by default)
"""

import os
import weakref

from aiohttp import WSCloseCode, WSMsgType, web

sockets = web.AppKey("sockets", weakref.WeakSet[web.WebSocketResponse])


async def echo(request: web.Request) -> web.WebSocketResponse:
    socket = web.WebSocketResponse()
    await socket.prepare(request)
    request.app[sockets].add(socket)
    async for message in socket:
        if message.type == WSMsgType.TEXT:
            await socket.send_str(message.data)
    return socket


async def close_with_1012(app: web.Application) -> None:
    # Tell each client the server is restarting: it comes back after a short delay.
    for socket in set(app[sockets]):
        await socket.close(code=WSCloseCode.SERVICE_RESTART)


def make_app() -> web.Application:
    app = web.Application()
    app[sockets] = weakref.WeakSet()
    app.router.add_get("/", echo)
    app.on_shutdown.append(close_with_1012)
    return app


if __name__ == "__main__":
    web.run_app(make_app(), host="127.0.0.1", port=int(os.environ.get("PORT", "8080")))
