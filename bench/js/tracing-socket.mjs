// A `ws` WebSocket subclass that records, for one client, when each underlying socket is
// created, opened and closed. Measuring at this layer needs nothing from the library under
// test, so ours and the anchors are timed by the same clock at the same points.
import WS from "ws";

/** Returns a WebSocket class and the trace it fills: { created, opens, closes: [{ at, code }] }. */
export function tracingSocket() {
  const trace = { created: [], opens: 0, closes: [] };
  class TracingSocket extends WS {
    constructor(url, protocols) {
      trace.created.push(performance.now());
      super(url, protocols);
      this.addEventListener("open", () => trace.opens++);
      this.addEventListener("close", (e) => trace.closes.push({ at: performance.now(), code: e.code }));
    }
  }
  return { WebSocket: TracingSocket, trace };
}
