// websocket-ts with its defaults: no queue, no backoff (so it never reconnects).
export { Websocket } from "websocket-ts";
