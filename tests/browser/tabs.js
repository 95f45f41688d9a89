// One tab of the --share-tabs tests (tests/browser/test_share_tabs.py): opens ReconnectingSockets
// of the generated module named by ?module= and records, per socket, every event it fires, for
// the test to read through window.tabs.
const module = new URLSearchParams(location.search).get("module") || "reconnecting-socket.js";
const { ReconnectingSocket } = await import(`./${module}`);

const sockets = [];
const log = [];
const blobs = [];
const senders = new Map();

function record(socket, event) {
  const row = { type: event.type, readyState: socket.readyState };
  for (const key of ["code", "reason", "wasClean", "attempt", "delay"]) {
    if (event[key] !== undefined) row[key] = event[key];
  }
  if (event.type === "message") {
    const { data } = event;
    row.kind = Object.prototype.toString.call(data);
    if (typeof data === "string") row.data = data;
    else if (data instanceof ArrayBuffer) row.data = Array.from(new Uint8Array(data));
    else row.blob = blobs.push(data) - 1; // read by bytes(), asynchronously
  }
  if (event.type === "open") row.protocol = socket.protocol;
  return row;
}

window.tabs = {
  sockets,
  log,
  open(url, protocols, options, binaryType) {
    const socket = new ReconnectingSocket(url, protocols ?? undefined, options);
    const events = [];
    for (const type of ["open", "message", "error", "reconnecting", "close"]) {
      socket.addEventListener(type, (event) => events.push(record(socket, event)));
    }
    if (binaryType) socket.binaryType = binaryType;
    sockets.push(socket);
    log.push(events);
    return sockets.length - 1;
  },
  events: (index) => log[index],
  state(index) {
    const socket = sockets[index];
    const { readyState, url, protocol, extensions, bufferedAmount, binaryType } = socket;
    return { readyState, url, protocol, extensions, bufferedAmount, binaryType };
  },
  send(index, ...messages) {
    for (const message of messages) sockets[index].send(message);
  },
  close: (index, ...args) => sockets[index].close(...args),
  reconnect: (index) => sockets[index].reconnect(),
  // The bytes of a Blob a message event carried (by its row's `blob`).
  bytes: async (blob) => Array.from(new Uint8Array(await blobs[blob].arrayBuffer())),
  // Sends `${prefix}-1`, `${prefix}-2`, ... every `every` ms until stopped; returns how many.
  startSending(index, prefix, every) {
    const sender = { count: 0 };
    sender.timer = setInterval(() => sockets[index].send(`${prefix}-${++sender.count}`), every);
    senders.set(prefix, sender);
  },
  sentSoFar: (prefix) => senders.get(prefix).count,
  stopSending(prefix) {
    clearInterval(senders.get(prefix).timer);
    return senders.get(prefix).count;
  },
};
