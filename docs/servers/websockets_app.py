"""The `websockets` server closes open connections with 1001 Going Away when it shuts down.
Here SIGTERM closes each with 1012 Service Restart first.

    python websockets_app.py   (PORT=8765 by default)
"""

import asyncio
import os
import signal

from websockets.asyncio.server import ServerConnection, serve


async def echo(socket: ServerConnection) -> None:
    async for message in socket:
        await socket.send(message)


async def main() -> None:
    async with serve(echo, "127.0.0.1", int(os.environ.get("PORT", "8765"))) as server:
        stop = asyncio.get_running_loop().create_future()
        for signum in (signal.SIGTERM, signal.SIGINT):
            asyncio.get_running_loop().add_signal_handler(signum, stop.set_result, None)
        await stop
        server.close(close_connections=False)  # stop accepting
        # Tell each client the server is restarting: it comes back after a short delay.
        await asyncio.gather(*(socket.close(1012) for socket in server.connections))


if __name__ == "__main__":
    asyncio.run(main())
