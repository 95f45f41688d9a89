"""The websockets snippet with a retry-after hint: for a restart known to take longer than the
clients' window. Each connection gets its own draw, so the fleet still comes back spread out.

    python websockets_retry_after.py   (PORT=8765 by default)
"""

import asyncio
import os
import random
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
        await asyncio.gather(
            *(
                # The generated client waits this many seconds (at most its --backoff-max).
                socket.close(1012, f"retry-after={random.uniform(8, 15):.1f}")
                for socket in server.connections
            )
        )


if __name__ == "__main__":
    asyncio.run(main())
