// A WebSocket stand-in for the storm: no network. A fake server decides whether each
// connection attempt opens or fails, and records when every attempt arrives.
// It offers both surfaces libraries use: on* properties (ours, sockette) and
// addEventListener (partysocket).
const CONNECT_MS = 5; // a loopback handshake, or the refusal when the server is down

/** A fake server on the clock `now()` (ms), and the WebSocket class that connects to it. */
export function fakeServer(now) {
  const server = {
    arrivals: [], // [ms since the restart, attempt number since it] per connection attempt
    open: new Set(),
    restartAt: null,
    attempts: new Map(), // client id -> attempts since the restart
    refuseFirstAttempt: false, // true: still down when each client first comes back
  };

  class FakeSocket extends EventTarget {
    static CONNECTING = 0;
    static OPEN = 1;
    static CLOSING = 2;
    static CLOSED = 3;

    constructor(url, protocols) {
      super();
      this.url = url;
      this.protocol = "";
      this.readyState = 0;
      this.bufferedAmount = 0;
      this.binaryType = "blob";
      this.onopen = this.onmessage = this.onerror = this.onclose = null;
      this.attempt = server.arrive(url);
      setTimeout(() => server.accept(this), CONNECT_MS);
    }

    send() {}

    close(code = 1000, reason = "") {
      if (this.readyState >= 2) return;
      this.readyState = 2;
      setTimeout(() => this._closed(code, reason, true), 0);
    }

    _fire(type, fields = {}) {
      const event = Object.assign(new Event(type), fields);
      if (this[`on${type}`]) this[`on${type}`](event);
      this.dispatchEvent(event);
    }

    _closed(code, reason, wasClean) {
      if (this.readyState === 3) return;
      this.readyState = 3;
      server.open.delete(this);
      this._fire("close", { code, reason, wasClean });
    }
  }

  server.WebSocket = FakeSocket;

  /** Record a client's attempt at the instant it decides to reconnect; returns its number. */
  server.arrive = (client) => {
    if (server.restartAt === null) return 0;
    const attempt = (server.attempts.get(client) ?? 0) + 1;
    server.attempts.set(client, attempt);
    server.arrivals.push([now() - server.restartAt, attempt]);
    return attempt;
  };

  /** The handshake's outcome, CONNECT_MS after the attempt. */
  server.accept = (socket) => {
    if (socket.readyState !== 0) return;
    if (server.refuseFirstAttempt && socket.attempt === 1) {
      socket.readyState = 3;
      socket._fire("error");
      socket._fire("close", { code: 1006, reason: "", wasClean: false });
      return;
    }
    socket.readyState = 1;
    server.open.add(socket);
    socket._fire("open");
  };

  /** Close every open connection with 1012 at this instant. */
  server.restart = () => {
    server.restartAt = now();
    for (const socket of [...server.open]) socket._closed(1012, "service restart", true);
  };

  return server;
}
