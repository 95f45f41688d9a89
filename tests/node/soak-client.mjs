// One soak client: sends a numbered stream through a ReconnectingSocket across the chaos
// server's faults (tests/support/chaos.py) and reports what it did. The Node harness (soak.mjs)
// and the browser soak page run this same file, with their own WebSocket class.
//
// Each message is `{"n": N}`, N counting from 1. The client remembers which messages it sent
// while the socket was not open (queued) and which WebSocket object each message was finally
// written to, so the checker can tell a loss the module caused from data that died in flight.
// When the server sends "finish", the client stops sending and answers `{"last": N}`. A client
// given `closeAfter` instead closes for good itself at that moment, wherever the chaos left it
// (open, connecting, waiting to retry, or on a half-open connection).

/** mulberry32: a tiny seeded PRNG, so a client's sending pattern repeats for its seed. */
function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A WebSocket class that names its ordinal in the URL (`&socket=K`, so the server's records say
 * which object a connection belongs to) and notes in `wired[n]` the ordinal of the socket that
 * message n was written to, and in `wiredAt[n]` when (Date.now(), the wall clock the server's
 * close-sent times use too).
 */
function tracedWebSocket(WebSocketBase, wired, wiredAt, sockets, report) {
  class TracedWebSocket extends WebSocketBase {
    constructor(url, ...rest) {
      const ordinal = ++sockets.made;
      super(`${url}&socket=${ordinal}`, ...rest);
      this.ordinal = ordinal;
      this.sentLog = []; // [n (0: not numbered), bytes] per send(), in order
      // At its close, what the WebSocket itself still held: the newest sends that add up to
      // bufferedAmount (bytes handed over but never transmitted; a browser drops them when
      // the server's Close arrives first). A listener, not onclose, which the module detaches.
      this.addEventListener("close", () => {
        const held = [];
        let unsent = this.bufferedAmount;
        for (let i = this.sentLog.length - 1; i >= 0 && unsent > 0; i--) {
          const [n, bytes] = this.sentLog[i];
          if (n) held.push(n);
          unsent -= bytes;
        }
        report("socket-closed", { socket: this.ordinal, unsent: this.bufferedAmount, held });
      });
    }

    send(data) {
      // Numbered messages are JSON; anything else (a heartbeat) is the module's own.
      let n = 0;
      if (data.startsWith("{")) {
        n = JSON.parse(data).n || 0;
        if (n) {
          wired[n] = this.ordinal;
          wiredAt[n] = Date.now();
          // Handed to a socket that is not open: the WebSocket may drop it, and only the
          // module could have known better.
          if (this.readyState !== 1) {
            report("sent-not-open", { n, socket: this.ordinal, readyState: this.readyState });
          }
        }
      }
      super.send(data);
      this.sentLog.push([n, new TextEncoder().encode(data).length]);
    }
  }
  // Node's ws only: a socket the module gives up on is terminated; what it had not yet
  // written (bufferedAmount) is dropped with it.
  if (typeof WebSocketBase.prototype.terminate === "function") {
    TracedWebSocket.prototype.terminate = function terminate() {
      report("terminated", { socket: this.ordinal, unsent: this.bufferedAmount });
      WebSocketBase.prototype.terminate.call(this);
    };
  }
  return TracedWebSocket;
}

/**
 * @param {object} config
 *   SocketClass: the generated class; WebSocket: the class it connects with;
 *   url (without a query), client (an id), seed, options (runtime options),
 *   every: [min, max] ms between sends, burst: chance of a burst of 10-29 messages at once,
 *   closeAfter: ms after which to call close() (optional), urlProvider: pass the URL as an
 *   async function (optional)
 * @param {(type: string, fields?: object) => void} report
 */
export function runSoakClient(config, report) {
  const random = seededRandom(config.seed);
  const [minGap, maxGap] = config.every || [10, 60];
  const burstChance = config.burst ?? 0.03;
  const wired = [];
  const wiredAt = [];
  const queued = [];
  const refused = [];
  const sockets = { made: 0 };
  let sent = 0;
  let errors = 0;
  let timer = null;
  let closer = null;
  let finished = false;
  let closing = false;

  // With `urlProvider`, the URL is a function resolving after 0-30 ms, as a token fetch would.
  const target = `${config.url}?client=${config.client}`;
  const url = config.urlProvider
    ? () => new Promise((resolve) => setTimeout(() => resolve(target), random() * 30))
    : target;
  const socket = new config.SocketClass(url, undefined, {
    ...config.options,
    WebSocket: tracedWebSocket(config.WebSocket, wired, wiredAt, sockets, report),
  });

  function sendOne() {
    const n = ++sent;
    if (socket.readyState !== socket.OPEN) queued.push(n);
    try {
      socket.send(JSON.stringify({ n }));
    } catch (error) {
      refused.push(n);
      report("send-error", { n, name: error.name, message: error.message });
    }
  }

  function tick() {
    const count = random() < burstChance ? 10 + Math.floor(random() * 20) : 1;
    for (let i = 0; i < count; i++) sendOne();
    timer = setTimeout(tick, minGap + random() * (maxGap - minGap));
  }

  socket.addEventListener("open", () => report("open"));
  socket.addEventListener("error", () => {
    errors += 1;
  });
  socket.addEventListener("reconnecting", (event) => {
    const { code, reason, attempt, delay } = event;
    report("reconnecting", { code, reason, attempt, delay });
  });
  socket.addEventListener("message", (event) => {
    if (event.data !== "finish" || closing) return;
    finished = true;
    clearTimeout(timer);
    timer = null;
    // Again on each connection the server asks on: on a slow machine the heartbeat may give up
    // the connection that carried the marker before its 1000 arrives, and the client comes back.
    socket.send(JSON.stringify({ last: sent }));
  });
  socket.addEventListener("close", (event) => {
    const stillSending = timer !== null;
    clearTimeout(timer);
    clearTimeout(closer);
    timer = null;
    report("close", {
      code: event.code,
      reason: event.reason,
      stillSending,
      sent,
      errors,
      queued,
      refused,
      wired: Array.from(wired, (ordinal) => ordinal || 0),
      wiredAt: Array.from(wiredAt, (at) => at || 0),
    });
  });

  if (config.closeAfter !== undefined) {
    closer = setTimeout(() => {
      if (finished) return;
      finished = true;
      // As an app would: stop producing, then close. What is still queued is discarded.
      clearTimeout(timer);
      timer = null;
      closing = true;
      report("close-called", { made: sockets.made, readyState: socket.readyState });
      socket.close(1000, "client done");
    }, config.closeAfter);
  }

  tick();
  return socket;
}
