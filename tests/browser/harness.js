// Runs a ReconnectingSocket in the page and records what it does in window.events, as
// tests/node/client.mjs does in Node, so pytest can read it with page.evaluate.
// config: { url, options?, binaryType?, rules?: [{ on, count?, send?, close? }] }: on the
// count-th event of type `on` (default 1), send each string in `send`, then close(...close).
window.events = [];
window.oncloseCodes = [];

function describe(socket, event) {
  const fields = { type: event.type, readyState: socket.readyState };
  if (event.type === "message") {
    fields.dataType = Object.prototype.toString.call(event.data);
    fields.data =
      typeof event.data === "string"
        ? event.data
        : Array.from(new Uint8Array(event.data));
  }
  if (event.type === "close" || event.type === "reconnecting") {
    fields.code = event.code;
  }
  if (event.type === "reconnecting") fields.delay = event.delay;
  if (event.type === "open") fields.binaryType = socket.binaryType;
  return fields;
}

window.runSocket = function (SocketClass, config) {
  const socket = new SocketClass(config.url, undefined, config.options);
  if (config.binaryType) socket.binaryType = config.binaryType;
  socket.onclose = (event) => window.oncloseCodes.push(event.code);
  const counts = {};
  for (const type of ["open", "message", "error", "close", "reconnecting"]) {
    socket.addEventListener(type, (event) => {
      counts[type] = (counts[type] || 0) + 1;
      window.events.push(describe(socket, event));
      for (const rule of config.rules || []) {
        if (rule.on !== type || (rule.count || 1) !== counts[type]) continue;
        for (const data of rule.send || []) socket.send(data);
        if (rule.close) socket.close(...rule.close);
      }
    });
  }
  window.socket = socket;
};
