// websocket-ts's README quickstart: builder, queue and a constant backoff, and the event enum.
export {
  ArrayQueue,
  ConstantBackoff,
  Websocket,
  WebsocketBuilder,
  WebsocketEvent,
} from "websocket-ts";
