"""The `websockets` server as its docs run it: SIGTERM ends `serve` (what a graceful shutdown
sends)."""

import asyncio
import os
import signal

from websockets.asyncio.server import ServerConnection, serve


async def echo(socket: ServerConnection) -> None:
    async for message in socket:
        await socket.send(message)


async def main() -> None:
    async with serve(echo, "127.0.0.1", int(os.environ["PORT"])):
        stop = asyncio.get_running_loop().create_future()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set_result, None)
        await stop


asyncio.run(main())
