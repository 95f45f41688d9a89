"""aiohttp as most apps run it: no on_shutdown handler (what a graceful shutdown sends). It waits
shutdown_timeout (60 s by default, 2 s here so the test is quick) for handlers to finish, then
cancels them, which drops each WebSocket without a close frame."""

import os

from aiohttp import WSMsgType, web


async def echo(request: web.Request) -> web.WebSocketResponse:
    socket = web.WebSocketResponse()
    await socket.prepare(request)
    async for message in socket:
        if message.type == WSMsgType.TEXT:
            await socket.send_str(message.data)
    return socket


app = web.Application()
app.router.add_get("/", echo)
web.run_app(app, host="127.0.0.1", port=int(os.environ["PORT"]), shutdown_timeout=2)
