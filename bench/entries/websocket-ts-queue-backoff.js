// websocket-ts as users configure it to reconnect and buffer: builder, queue and backoff.
export { WebsocketBuilder, ArrayQueue, ExponentialBackoff } from "websocket-ts";
