// Typed code using the optional features through the generated types (default profile).
import { ReconnectingSocket, type Options, type ReconnectingEvent } from "./socket.js";

let token = 0;
const options: Options = {
  shouldReconnect: (event, attempt) => {
    if (event.code === 4401) return null; // the app's own fatal code
    if (event.code === 1000 && event.reason === "idle") return 250 * attempt;
    return undefined;
  },
};
const fresh = new ReconnectingSocket(async () => `wss://example.com/?t=${++token}`, [], options);
const plain = new ReconnectingSocket(() => "wss://example.com/", undefined, {});
fresh.addEventListener("reconnecting", (event: ReconnectingEvent) => {
  const fromServer: boolean = event.fromServer;
  console.log(fromServer, event.delay);
});
fresh.reconnect();
plain.close();

// --share-tabs: a socket of its own, or a name to share a URL function's connection under.
const alone = new ReconnectingSocket("wss://example.com/", [], { shareTabs: false });
const named = new ReconnectingSocket(() => "wss://example.com/", [], { shareTabs: "feed" });
alone.close();
named.close();

// @ts-expect-error: the hook answers a delay, null or undefined, nothing else
const wrong: Options = { shouldReconnect: () => "soon" };
// @ts-expect-error: shareTabs is on/off or a name
const unshared: Options = { shareTabs: 0 };
console.log(wrong, unshared);
