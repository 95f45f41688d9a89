// Typed code against the profile with every optional feature off: the features' API is gone
// from the types too, while the WebSocket surface stays.
import { ReconnectingSocket, type Options } from "./socket.js";

const socket = new ReconnectingSocket("wss://example.com/", ["v1"], { maxRetries: 3 });
socket.send("hello");
socket.close(1000, "done");

// @ts-expect-error: no reconnect() without --manual-reconnect
socket.reconnect();
// @ts-expect-error: no URL function without --url-provider
new ReconnectingSocket(() => "wss://example.com/");
// @ts-expect-error: no shouldReconnect without --reconnect-hook
const hooked: Options = { shouldReconnect: () => null };
// @ts-expect-error: no shareTabs without --share-tabs
const shared: Options = { shareTabs: false };
socket.addEventListener("reconnecting", (event) => {
  // @ts-expect-error: no fromServer without --retry-hint
  console.log(event.fromServer);
});
console.log(hooked, shared);
