// Checks ported from the Web Platform Tests' websockets/ suite (the WPT file each comes from is
// named beside it). Each check runs once with the native WebSocket and once with the module's
// class, in the same page, against the same server; it returns what it observed as plain JSON,
// and the Python side compares the two observations (tests/browser/test_wpt_conformance.py).
//
// The server (tests/browser/test_wpt_conformance.py) answers by path: /echo echoes and picks
// the first offered subprotocol, /close-<code> closes with that code once open, /stall never
// completes the handshake. BASE is its ws:// origin, set by the page.

const checks = [];
const check = (name, wpt, run) => checks.push({ name, wpt, run });

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function errorName(run) {
  try {
    run();
    return "no error";
  } catch (error) {
    return error.name;
  }
}

// Resolves with the first of `types` fired on `socket` (after an optional step), with the event.
function next(socket, types, timeout = 4000) {
  return new Promise((resolve) => {
    const done = (event) => {
      clearTimeout(timer);
      for (const type of types) socket.removeEventListener(type, done);
      resolve(event);
    };
    const timer = setTimeout(() => done({ type: "timeout" }), timeout);
    for (const type of types) socket.addEventListener(type, done);
  });
}

async function opened(Socket, path = "/echo", protocols) {
  const socket =
    protocols === undefined
      ? new Socket(BASE + path)
      : new Socket(BASE + path, protocols);
  const event = await next(socket, ["open", "close", "reconnecting"], 7000);
  if (event.type !== "open") throw new Error("did not open: " + event.type);
  return socket;
}

// The types of what fires on `socket` (including "reconnecting") until "close" or `timeout`.
function record(socket, timeout = 4000) {
  const seen = [];
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(seen.concat("timeout")), timeout);
    for (const type of ["open", "message", "error", "close", "reconnecting"]) {
      socket.addEventListener(type, (event) => {
        seen.push(type === "close" ? `close ${event.code} ${event.wasClean}` : type);
        if (type === "close") {
          clearTimeout(timer);
          resolve(seen);
        }
      });
    }
  });
}

function describeEvent(event) {
  return {
    type: event.type,
    string: String(event),
    isEvent: event instanceof Event,
    isMessageEvent: event instanceof MessageEvent,
    isCloseEvent: event instanceof CloseEvent,
    bubbles: event.bubbles,
    cancelable: event.cancelable,
  };
}

// -- Constructing --------------------------------------------------------------------------------

const INVALID_URLS = {
  "space in host": () => "ws://foo bar.com/",
  "space in secure host": () => "wss://foo bar.com/",
  "ftp scheme": () => "ftp://" + location.host + "/",
  "mailto scheme": () => "mailto:example@example.org",
  "about:blank": () => "about:blank",
  "empty fragment": () => BASE + "/#",
  fragment: () => BASE + "/#test",
  "fragment only": () => "#test",
};
for (const [label, url] of Object.entries(INVALID_URLS)) {
  check(`invalid url (${label}) throws`, "Create-invalid-urls.any.js", (Socket) =>
    errorName(() => new Socket(url())),
  );
}

check("no argument is a TypeError", "idlharness: WebSocket(url)", (Socket) =>
  errorName(() => new Socket()),
);

const URL_FORMS = {
  "http becomes ws": () => BASE.replace("ws:", "http:") + "/echo",
  "https becomes wss": () => "https://127.0.0.1:1/echo",
  "no path gains a slash": () => BASE,
  "default port dropped": () => "ws://127.0.0.1:80/echo",
  "relative to the page": () => "/echo",
  "URL object": () => new URL(BASE + "/echo"),
  "host lowercased": () => BASE.replace("127.0.0.1", "LOCALHOST") + "/echo",
};
for (const [label, url] of Object.entries(URL_FORMS)) {
  check(`url: ${label}`, "Create-http-urls.any.js, url/*.html", (Socket) => {
    const socket = new Socket(url());
    const seen = { type: typeof socket.url, url: socket.url.replace(/:\d+\//, ":PORT/") };
    socket.close();
    return seen;
  });
}

const BAD_PROTOCOLS = {
  "non-ASCII": "\u0080echo",
  "with a space": "ec ho",
  repeated: ["echo", "echo"],
  "repeated, other case": ["echo", "ECHO"],
  "ASCII separator": "echo(",
  empty: "",
};
for (const [label, protocols] of Object.entries(BAD_PROTOCOLS)) {
  check(`protocol ${label} throws`, "Create-*-protocol*.any.js", (Socket) =>
    errorName(() => new Socket(BASE + "/echo", protocols)),
  );
}

check("state right after construction", "readyState/001.html, binaryType", (Socket) => {
  const socket = new Socket(BASE + "/echo");
  const seen = {
    readyState: socket.readyState,
    binaryType: socket.binaryType,
    protocol: socket.protocol,
    extensions: socket.extensions,
    bufferedAmount: socket.bufferedAmount,
  };
  socket.close();
  return seen;
});

// -- The interface's shape ----------------------------------------------------------------------

const CONSTANTS = ["CONNECTING", "OPEN", "CLOSING", "CLOSED"];

check("constants on the class", "constants/001-002.html", (Socket) =>
  CONSTANTS.map((name) => Socket[name]),
);
check("constants on the prototype", "constants/003-004.html", (Socket) =>
  CONSTANTS.map((name) => Socket.prototype[name]),
);
check("constants are read-only on the class", "constants/005-006.html", (Socket) =>
  CONSTANTS.map((name) => {
    const error = errorName(() => {
      Socket[name] = 42;
    });
    return [error, Socket[name], JSON.stringify(Object.getOwnPropertyDescriptor(Socket, name))];
  }),
);
check("constants are read-only on the prototype", "constants/005-006.html", (Socket) =>
  CONSTANTS.map((name) => {
    const error = errorName(() => {
      delete Socket.prototype[name];
    });
    return [error, Socket.prototype[name]];
  }),
);
check("constants are not the instance's own", "constants/*.html", (Socket) => {
  const socket = new Socket(BASE + "/echo");
  const seen = CONSTANTS.map((name) => [socket[name], Object.hasOwn(socket, name)]);
  socket.close();
  return seen;
});
check("an instance assigns no constant", "constants/005.html", (Socket) => {
  const socket = new Socket(BASE + "/echo");
  const error = errorName(() => {
    socket.OPEN = 42;
  });
  socket.close();
  return [error, socket.OPEN];
});

const HANDLERS = ["onopen", "onmessage", "onerror", "onclose"];

check("on-handlers are accessors on the prototype", "idlharness: EventHandler", (Socket) =>
  HANDLERS.map((name) => {
    const descriptor = Object.getOwnPropertyDescriptor(Socket.prototype, name) || {};
    return [typeof descriptor.get, typeof descriptor.set, descriptor.enumerable];
  }),
);
check("on-handlers start null and are not own", "events/001-003.html", (Socket) => {
  const socket = new Socket(BASE + "/echo");
  const seen = HANDLERS.map((name) => [socket[name], Object.hasOwn(socket, name)]);
  socket.close();
  return seen;
});
const HANDLER_VALUES = {
  undefined: () => undefined,
  "a number": () => 1,
  "a string": () => ";",
  "an object": () => ({ handleEvent() {} }),
  "a function": () => function handler() {},
};
for (const [label, value] of Object.entries(HANDLER_VALUES)) {
  check(`on-handler set to ${label}`, "events/006-011.html", (Socket) => {
    const socket = new Socket(BASE + "/echo");
    const given = value();
    const seen = HANDLERS.map((name) => {
      socket[name] = given;
      const read = socket[name];
      return read === given ? "same" : read === null ? "null" : typeof read;
    });
    socket.close();
    return seen;
  });
}

check("instance shape", "idlharness", (Socket) => {
  const socket = new Socket(BASE + "/echo");
  const seen = {
    keys: Object.keys(socket),
    json: JSON.stringify(socket),
    tag: Object.prototype.toString.call(socket),
    eventTarget: socket instanceof EventTarget,
    protoParent: Object.getPrototypeOf(Socket.prototype) === EventTarget.prototype,
    length: Socket.length,
    methods: ["addEventListener", "removeEventListener", "dispatchEvent", "send", "close"].map(
      (name) => typeof socket[name],
    ),
  };
  socket.close();
  return seen;
});
check("operations count only required arguments", "idlharness: operation length", (Socket) => ({
  constructor: Socket.length,
  send: Socket.prototype.send.length,
  close: Socket.prototype.close.length,
}));
check("instanceof WebSocket", "idlharness", (Socket) => {
  const socket = new Socket(BASE + "/echo");
  socket.close();
  return socket instanceof WebSocket;
});

check("binaryType takes only known values", "binaryType-wrong-value.any.js", async (Socket) => {
  const socket = await opened(Socket);
  const seen = [];
  for (const value of ["arraybuffer", "notAValidType", "", "blob", "nodebuffer"]) {
    socket.binaryType = value;
    seen.push(socket.binaryType);
  }
  socket.close();
  return seen;
});

// -- Open, send, receive -------------------------------------------------------------------------

check("open: state, protocol, extensions", "Create-valid-url-protocol*.any.js", async (Socket) => {
  const socket = new Socket(BASE + "/echo", ["echo", "chat"]);
  const event = await next(socket, ["open", "close"]);
  const seen = {
    event: describeEvent(event),
    target: event.target === socket,
    readyState: socket.readyState,
    protocol: socket.protocol,
    extensions: socket.extensions.split(";")[0],
  };
  socket.close();
  return seen;
});
check("open with an empty protocol list", "Create-valid-url-array-protocols.any.js", async (Socket) => {
  const socket = await opened(Socket, "/echo", []);
  socket.close();
  return socket.protocol;
});

check("handler order (events/016)", "events/016.html", async (Socket) => {
  const socket = new Socket(BASE + "/echo");
  const order = [];
  socket.addEventListener("open", () => {
    order.push(1);
    socket.send("Goodbye");
  });
  socket.onopen = () => order.push(2);
  socket.addEventListener("open", () => order.push(3));
  socket.addEventListener("message", () => order.push(4));
  socket.onmessage = () => {
    order.push(5);
    socket.close();
  };
  socket.addEventListener("message", () => order.push(6));
  socket.addEventListener("close", () => order.push(7));
  socket.onclose = () => order.push(8);
  socket.addEventListener("close", () => order.push(9));
  await next(socket, ["close"]);
  await sleep(0);
  return order;
});
check("a cleared handler gives up its place", "HTML event handlers", async (Socket) => {
  const socket = new Socket(BASE + "/echo");
  const order = [];
  socket.onopen = () => order.push("first handler");
  socket.addEventListener("open", () => order.push("listener"));
  socket.onopen = null;
  socket.onopen = () => order.push("handler set again");
  await next(socket, ["open"]);
  await sleep(0);
  socket.close();
  return order;
});
check("events are trusted", "DOM: Event.isTrusted", async (Socket) => {
  const socket = new Socket(BASE + "/echo");
  const event = await next(socket, ["open"]);
  socket.close();
  return event.isTrusted;
});
check("a handler's this is the socket", "events/*.html", async (Socket) => {
  const socket = new Socket(BASE + "/echo");
  let self;
  socket.onopen = function () {
    self = this;
  };
  await next(socket, ["open"]);
  socket.close();
  return self === socket;
});

check("message event: a string", "send/001.html, events/018.html", async (Socket) => {
  const socket = await opened(Socket);
  socket.send("Hello");
  const event = await next(socket, ["message"]);
  socket.close();
  return {
    ...describeEvent(event),
    data: event.data,
    origin: event.origin === BASE,
    lastEventId: event.lastEventId,
    source: event.source,
    ports: Array.isArray(event.ports) && event.ports.length,
  };
});
check("message event fields are read-only", "MessageEvent IDL", async (Socket) => {
  "use strict";
  const socket = await opened(Socket);
  socket.send("Hello");
  const event = await next(socket, ["message"]);
  socket.close();
  const error = errorName(() => {
    event.data = "changed";
  });
  return [error, event.data];
});
check("binary echo as an arraybuffer", "send/005-006.html", async (Socket) => {
  const socket = await opened(Socket);
  socket.binaryType = "arraybuffer";
  socket.send(new Uint8Array([1, 2, 3, 255]));
  const event = await next(socket, ["message"]);
  socket.close();
  return [event.data instanceof ArrayBuffer, Array.from(new Uint8Array(event.data))];
});
check("binary echo as a blob", "send/007.html, Create-valid-url-binaryType-blob", async (Socket) => {
  const socket = await opened(Socket);
  socket.send(new Blob([new Uint8Array([7, 8])]));
  const event = await next(socket, ["message"]);
  socket.close();
  return [event.data instanceof Blob, event.data.size];
});
check("an empty string is sent", "send/002.html", async (Socket) => {
  const socket = await opened(Socket);
  socket.send("");
  const event = await next(socket, ["message"]);
  socket.close();
  return event.data;
});
check("send() with no argument", "idlharness: send(data)", async (Socket) => {
  const socket = await opened(Socket);
  const error = errorName(() => socket.send());
  socket.close();
  return error;
});
check("send() while connecting", "send/003.html (readyState CONNECTING)", (Socket) => {
  const socket = new Socket(BASE + "/echo");
  const error = errorName(() => socket.send("early"));
  const seen = [error, socket.bufferedAmount];
  socket.close();
  return seen;
});
check("send() after close", "bufferedAmount/003.html, send/008.html", async (Socket) => {
  const socket = await opened(Socket);
  socket.close();
  await next(socket, ["close"]);
  const error = errorName(() => socket.send("late"));
  return [error, socket.bufferedAmount];
});

// -- Closing -------------------------------------------------------------------------------------

const CLOSE_ARGUMENTS = {
  "close()": [],
  "close(1000)": [1000],
  "close(1000, reason)": [1000, "Clean Close"],
  "close(3000, reason)": [3000, "Clean Close with code - 3000"],
  "close(4999, reason)": [4999, "Clean Close with code - 4999"],
  'close("1000")': ["1000"],
  "close(1000.4)": [1000.4],
  "close(1000.5)": [1000.5],
  "close(undefined)": [undefined],
  "close(1000, 123-byte reason)": [1000, "x".repeat(123)],
  "close(1000, unpaired surrogate)": [1000, "\uD807"],
};
for (const [label, args] of Object.entries(CLOSE_ARGUMENTS)) {
  check(`${label} closes cleanly`, "Close-*.any.js, Secure-Close-*-reason.any.js", async (Socket) => {
    const socket = await opened(Socket);
    socket.close(...args);
    const closing = socket.readyState;
    const event = await next(socket, ["close"]);
    return {
      closing,
      closed: socket.readyState,
      code: event.code,
      reason: event.reason,
      wasClean: event.wasClean,
    };
  });
}

const REFUSED_CLOSES = {
  "close(0)": [0],
  "close(NaN)": [NaN],
  "close(null)": [null],
  "close(2999, reason)": [2999, "Close not in range 3000-4999"],
  "close(5000)": [5000],
  "close(65536 + 1000)": [66536],
  "close(-1)": [-1],
  "close(only a reason)": ["Close with only reason"],
  'close(undefined, "bye")': [undefined, "bye"],
  "close(1000, 124-byte reason)": [1000, "x".repeat(124)],
  "close(1000, 42 three-byte characters)": [1000, "\u20ac".repeat(42)],
};
for (const [label, args] of Object.entries(REFUSED_CLOSES)) {
  check(`${label} throws and stays open`, "Close-0/NaN/null/2999/124Bytes/onlyReason", async (Socket) => {
    const socket = await opened(Socket);
    const error = errorName(() => socket.close(...args));
    const state = socket.readyState;
    socket.close();
    return [error, state];
  });
}
check("close(1000, 124-byte reason) after the close", "Close-Reason-124Bytes (CLOSED)", async (Socket) => {
  const socket = await opened(Socket);
  socket.close();
  await next(socket, ["close"]);
  return errorName(() => socket.close(1000, "x".repeat(124)));
});

check("close() while connecting", "close/close-connecting.html", async (Socket) => {
  const socket = new Socket(BASE + "/stall");
  const events = record(socket);
  await sleep(100);
  const before = socket.readyState;
  socket.close();
  const after = socket.readyState;
  return { before, after, events: await events, closed: socket.readyState };
});
check("readyState at the events of close() while connecting", "close/close-connecting.html", async (Socket) => {
  const socket = new Socket(BASE + "/stall");
  await sleep(100);
  const seen = [];
  const closed = new Promise((resolve) => {
    socket.addEventListener("error", () => seen.push(["error", socket.readyState]));
    socket.addEventListener("close", () => resolve(seen.push(["close", socket.readyState])));
  });
  socket.close();
  await Promise.race([closed, sleep(4000)]);
  return seen;
});
check("close(1000, 124-byte reason) while connecting", "Close-Reason-124Bytes (CONNECTING)", async (Socket) => {
  const socket = new Socket(BASE + "/stall");
  const error = errorName(() => socket.close(1000, "x".repeat(124)));
  const state = socket.readyState;
  socket.close();
  return [error, state];
});
check("close() twice", "close/close-multiple.html", async (Socket) => {
  const socket = await opened(Socket);
  const events = record(socket);
  socket.close();
  socket.close();
  return events;
});
check("close() inside onclose", "close/close-nested.html", async (Socket) => {
  const socket = await opened(Socket);
  const events = record(socket);
  socket.onclose = () => socket.close();
  socket.close();
  return events;
});
check("close event", "CloseEvent/001-004.html, events/017.html", async (Socket) => {
  const socket = await opened(Socket);
  socket.close(3000, "bye");
  const event = await next(socket, ["close"]);
  return { ...describeEvent(event), target: event.target === socket };
});
check("close event fields are read-only", "CloseEvent/002-003.html", async (Socket) => {
  "use strict";
  const socket = await opened(Socket);
  socket.close(3000, "bye");
  const event = await next(socket, ["close"]);
  const assigned = errorName(() => {
    event.code = 4242;
  });
  const deleted = errorName(() => {
    delete event.wasClean;
  });
  return [assigned, deleted, event.code, event.wasClean];
});
check("url, protocol, extensions after the close", "url/*.html, protocol/001.html", async (Socket) => {
  const socket = await opened(Socket, "/echo", "echo");
  let inside;
  socket.onclose = () => {
    inside = [socket.url, socket.protocol, socket.extensions.split(";")[0]];
  };
  socket.close();
  await next(socket, ["close"]);
  await sleep(0);
  return [inside, socket.url === inside[0], socket.protocol, socket.readyState];
});

// -- The server closes ---------------------------------------------------------------------------

for (const code of [1000, 1001, 3000, 4000, 1011]) {
  check(`the server closes with ${code}`, "Secure-Close-server-initiated-close.any.js", async (Socket) => {
    const socket = new Socket(BASE + "/close-" + code);
    const events = await record(socket, 1500);
    socket.close();
    return events;
  });
}
check("a refused connection", "Create-blocked-port / connection failure", async (Socket) => {
  const socket = new Socket("ws://127.0.0.1:9/");
  const events = await record(socket, 1500);
  socket.close();
  return events;
});

window.CHECKS = checks.map(({ name, wpt }) => ({ name, wpt }));

// Runs one check with the named class; every socket it made is closed after it.
window.runCheck = async (name, which) => {
  const { run } = checks.find((item) => item.name === name);
  const Class = which === "native" ? WebSocket : window.ReconnectingSocket;
  const made = [];
  const Tracked = new Proxy(Class, {
    construct(target, args) {
      const socket = Reflect.construct(target, args);
      made.push(socket);
      return socket;
    },
  });
  let result;
  try {
    result = { value: await Promise.race([run(Tracked), sleep(12000).then(() => "timeout")]) };
  } catch (error) {
    result = { error: `${error.name}: ${error.message}` };
  }
  for (const socket of made) {
    try {
      socket.close();
    } catch (error) {
      // closed already, or closed with a refused argument
    }
  }
  // Chromium connects one WebSocket per host at a time: the next check waits for these.
  for (let waited = 0; waited < 3000 && made.some((s) => s.readyState !== 3); waited += 20) {
    await sleep(20);
  }
  return JSON.stringify(result === undefined ? null : result);
};
