"""What docs/drop-in.md promises a page sees of the socket where it is a WebSocket: the URL as
`new WebSocket` resolves it, close()'s arguments converted and checked as WebIDL does, the
constants, the `on<type>` handlers' rules, the shape, and `binaryType`. Each expected value is
the WebSocket's (WHATWG WebSockets, WebIDL), not read from the template.

One Node process against a fake WebSocket, no timer ever fires (fast tier)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator.formats import Format
from generator.options import build_options
from generator.render import render_module
from tests.support.logic import run_module_script

pytestmark = pytest.mark.logic

HARNESS = r"""
import { Socket } from "MODULE";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import vm from "node:vm";
delete globalThis.WebSocket;
let made = [];
// The module's live timers: what a socket leaves running.
const live = new Set();
const { setTimeout: set, clearTimeout: clear } = globalThis;
globalThis.setTimeout = (fn, ms, ...args) => {
  const id = set((...a) => (live.delete(id), fn(...a)), ms, ...args);
  live.add(id);
  return id;
};
globalThis.clearTimeout = (id) => (live.delete(id), clear(id));
// A browser's CloseEvent, for the checks that run where the runtime has one (Node 20 has none).
class CloseEvent extends Event {
  #init;
  constructor(type, init = {}) {
    super(type, init);
    this.#init = init;
  }
  get code() {
    return this.#init.code ?? 0;
  }
  get reason() {
    return this.#init.reason ?? "";
  }
  get wasClean() {
    return this.#init.wasClean ?? false;
  }
}
// A WebSocket as far as the module can see it: binaryType takes only the types the class
// knows (here the ws package's: a browser's two and "nodebuffer"); close() records what it
// was given.
class Fake extends EventTarget {
  readyState = 0;
  protocol = "";
  extensions = "";
  bufferedAmount = 0;
  #type = "blob";
  constructor(url, protocols) {
    super();
    this.url = url;
    this.closedWith = null;
    made.push(this);
  }
  get binaryType() {
    return this.#type;
  }
  set binaryType(value) {
    if (["blob", "arraybuffer", "nodebuffer"].includes(value)) this.#type = value;
  }
  send() {}
  close(...args) {
    this.closedWith = args;
    this.readyState = 3;
  }
  open(protocol = "chat", extensions = "permessage-deflate") {
    this.readyState = 1;
    this.protocol = protocol;
    this.extensions = extensions;
    this.onopen({});
  }
  drop() {
    this.readyState = 3;
    this.onclose({ code: 1006, reason: "", wasClean: false });
  }
  message(data) {
    this.onmessage({ data, origin: "" });
  }
}
const latest = () => made[made.length - 1];
const make = (options = {}) => new Socket("ws://example.com/", [], { WebSocket: Fake, ...options });
const opened = () => {
  const socket = make();
  latest().open();
  return socket;
};
const thrown = (call) => {
  try {
    call();
    return null;
  } catch (error) {
    return error.name;
  }
};
const descriptor = (target, name) => {
  const found = Object.getOwnPropertyDescriptor(target, name);
  if (!found) return null;
  const shown = {};
  for (const [key, value] of Object.entries(found)) {
    shown[key] = typeof value === "function" ? "function" : value;
  }
  return shown;
};

const CHECKS = {
  // -- url
  url: () => {
    const urls = {};
    for (const given of ["ws://example.com", "wss://example.com/a?b=c", "http://example.com/x",
                         "https://example.com:8443/y", "HTTP://Example.com/z"]) {
      urls[given] = new Socket(given, [], { WebSocket: Fake }).url;
    }
    const object = new URL("https://example.com/o");
    urls["a URL object"] = new Socket(object, [], { WebSocket: Fake }).url;
    // A page's document: relative URLs resolve against its base URL.
    globalThis.document = Object.assign(new EventTarget(), {
      baseURI: "https://example.com/app/page.html",
    });
    try {
      urls["live?x=1"] = new Socket("live?x=1", [], { WebSocket: Fake }).url;
      urls["/root"] = new Socket("/root", [], { WebSocket: Fake }).url;
    } finally {
      delete globalThis.document;
    }
    return urls;
  },
  "url refused": () => {
    const names = {};
    for (const given of ["ftp://example.com/live", "ftp://example.com/ws:x", "file:///ws:x",
                         "ws://example.com/#", "ws://example.com/a#b", "not a url",
                         "mailto:ws:x"]) {
      names[given] = thrown(() => new Socket(given, [], { WebSocket: Fake }));
    }
    return names;
  },
  "what the WebSocket class is given": () => {
    const socket = new Socket("http://example.com/q", ["p1", "p2"], { WebSocket: Fake });
    return [latest().url, socket.url];
  },
  // -- arguments
  "no argument": () => thrown(() => new Socket()),
  "send() without an argument": () => thrown(() => opened().send()),
  "send(undefined) is an argument": () => thrown(() => opened().send(undefined)),
  "no WebSocket class": () => thrown(() => new Socket("ws://example.com/")),
  // close(code, reason) on an open connection: what the connection's close() was given, or
  // the error's name.
  "close codes": () => {
    const results = {};
    for (const code of ["1000", 1000.4, 1000.5, 999.5, 2999.5, 2999.4, 3000, 3001.5, 3002.5,
                        4998.5, 4999, 4999.5, 5000, 1001, 0, "abc", NaN]) {
      const socket = opened();
      const name = thrown(() => socket.close(code));
      results[String(code)] = name ?? latest().closedWith[0];
    }
    return results;
  },
  "close reasons": () => {
    const results = {};
    const reasons = {
      "123 bytes": "x".repeat(123),
      "124 bytes": "x".repeat(124),
      "41 euro signs (123 bytes)": "\u20ac".repeat(41),
      "42 euro signs (126 bytes)": "\u20ac".repeat(42),
      "a number": 42,
      "an object": { toString: () => "text" },
      "empty": "",
    };
    for (const [label, reason] of Object.entries(reasons)) {
      const socket = opened();
      const name = thrown(() => socket.close(4000, reason));
      results[label] = name ?? latest().closedWith[1];
    }
    return results;
  },
  // WebIDL converts an argument once: a code's valueOf is called once.
  "close() converts its code once": () => {
    let calls = 0;
    const code = { valueOf: () => (calls += 1, 3000) };
    const socket = opened();
    socket.close(code);
    return [calls, latest().closedWith[0]];
  },
  "close(undefined, reason)": () => thrown(() => opened().close(undefined, "why")),
  "close() checks before the state": () => {
    const socket = make();
    socket.close();
    return [thrown(() => socket.close(1001)), thrown(() => socket.close(1000, "x".repeat(124)))];
  },
  // close() without a code sends none; the final close says 1005, from the peer's echo or,
  // when the peer never answers, from the app's own close().
  "close() without a code": () => {
    const events = [];
    let given;
    for (const answer of [{ code: 1005, reason: "", wasClean: true },
                          { code: 1006, reason: "", wasClean: false }]) {
      const socket = opened();
      socket.onclose = (e) => events.push([e.code, e.reason, e.wasClean]);
      socket.close();
      given = latest().closedWith.filter((value) => value !== undefined);
      latest().onclose(answer);
    }
    return [given.length, events];
  },
  // -- the WebIDL surface
  constants: () => {
    const found = {};
    for (const name of ["CONNECTING", "OPEN", "CLOSING", "CLOSED"]) {
      found[name] = [descriptor(Socket, name), descriptor(Socket.prototype, name)];
    }
    return found;
  },
  shape: () => {
    const socket = make();
    const tag = descriptor(Socket.prototype, Symbol.toStringTag);
    return [Object.keys(socket), Object.getOwnPropertyNames(socket), JSON.stringify(socket),
            Object.prototype.toString.call(socket), tag,
            Socket.length, Socket.prototype.send.length, Socket.prototype.close.length];
  },
  "handler accessors": () => {
    const found = {};
    for (const type of ["open", "message", "error", "close", "reconnecting"]) {
      found[type] = descriptor(Socket.prototype, "on" + type);
    }
    return found;
  },
  "handler values": () => {
    const socket = make();
    const handler = () => {};
    const object = { handleEvent() {} };
    const read = [socket.onmessage];
    for (const value of [handler, 5, handler, "text", handler, object, handler, null, undefined]) {
      socket.onmessage = value;
      const got = socket.onmessage;
      read.push(got === handler ? "the function" : got === object ? "the object" : got);
    }
    return read;
  },
  // WPT websockets events/016 and HTML's event handler rules: the handler runs where it was
  // first set among the type's listeners; replacing it keeps that place; clearing it gives the
  // place up; a non-callable object runs nothing and throws nothing.
  "handler order": () => {
    const socket = opened();
    const order = [];
    let thisValue = null;
    socket.onmessage = function (event) {
      thisValue = this === socket;
      order.push("first handler " + event.data);
    };
    socket.addEventListener("message", (event) => order.push("listener " + event.data));
    latest().message("a");
    socket.onmessage = () => order.push("second handler");
    latest().message("b");
    socket.onmessage = null;
    socket.onmessage = () => order.push("third handler");
    latest().message("c");
    socket.onmessage = { handleEvent: () => order.push("object") };
    latest().message("d");
    return [order, thisValue];
  },
  "every type has its handler": () => {
    const socket = make({ maxRetries: 1, backoffInitial: 1, backoffMax: 1 });
    const seen = [];
    for (const type of ["open", "message", "error", "close", "reconnecting"]) {
      socket["on" + type] = (event) => seen.push(event.type);
    }
    latest().open();
    latest().message("m");
    latest().drop();
    socket.close();
    return seen;
  },
  // -- binaryType: a type the socket does not know reads back the previous one
  "binaryType while connected": () => {
    const socket = opened();
    const read = [socket.binaryType];
    for (const value of ["arraybuffer", "bogus", "blob", "", "nodebuffer", "arraybuffer"]) {
      socket.binaryType = value;
      read.push(socket.binaryType);
    }
    return [read, latest().binaryType];
  },
  "binaryType between attempts": () => {
    const socket = opened();
    latest().drop(); // waiting to reconnect: no connection
    const read = [socket.binaryType];
    for (const value of ["arraybuffer", "bogus", "", "blob", "nodebuffer", "arraybuffer"]) {
      socket.binaryType = value;
      read.push(socket.binaryType);
    }
    socket.reconnect(); // the next connection takes the type the app set
    return [read, latest().binaryType];
  },
  // "nodebuffer" only once a connection exists (drop-in.md, Node): not after close() ended
  // an attempt, nor between attempts.
  "binaryType without a connection": () => {
    const closed = make();
    closed.close();
    closed.binaryType = "nodebuffer";
    const waiting = opened();
    latest().drop();
    waiting.binaryType = "nodebuffer";
    return [closed.binaryType, waiting.binaryType];
  },
  "binaryType kept across connections": () => {
    const socket = opened();
    socket.binaryType = "arraybuffer";
    latest().drop();
    socket.reconnect();
    return [socket.binaryType, latest().binaryType];
  },
  // The connection is closing (its close event not yet fired): a message is not lost but
  // queued for the next open; reconnect() works as while open.
  "send() while the connection closes": () => {
    const socket = opened();
    latest().readyState = 2;
    const name = thrown(() => socket.send("kept"));
    const buffered = socket.bufferedAmount;
    const sent = [];
    latest().drop();
    socket.reconnect();
    latest().send = (data) => sent.push(data);
    latest().open();
    return [name, buffered, sent];
  },
  "reconnect() while open": () => {
    const socket = opened();
    const name = thrown(() => socket.reconnect());
    return [name, made.length, socket.readyState];
  },
  // reconnect() lets the connection go; close() while a URL function is still answering for
  // the next attempt is a close while connecting: "error", then "close" 1006.
  "close() while reconnect()'s URL function answers": async () => {
    let calls = 0;
    const url = () => (++calls === 1 ? "ws://example.com/" : new Promise(() => {}));
    const socket = new Socket(url, [], { WebSocket: Fake });
    for (let turn = 0; turn < 5; turn += 1) await null;
    latest().open();
    socket.reconnect();
    const seen = [];
    socket.onerror = () => seen.push("error");
    socket.onclose = (event) => seen.push(["close", event.code, event.wasClean]);
    socket.close();
    for (let turn = 0; turn < 5; turn += 1) await null;
    return [calls, seen, socket.readyState];
  },
  // -- events: the platform's own where the runtime has the class, else an Event with
  // read-only fields
  "event classes": async () => {
    const results = {};
    for (const withCloseEvent of [false, true]) {
      if (withCloseEvent) globalThis.CloseEvent = CloseEvent;
      try {
        const socket = make({ maxRetries: 1 });
        const seen = [];
        for (const type of ["open", "message", "reconnecting", "error", "close"]) {
          socket.addEventListener(type, (event) => {
            // Read-only: assigning a field throws (in strict code) and changes nothing.
            let assigned = "no field";
            for (const key of ["code", "data"]) {
              if (!(key in event)) continue;
              try {
                event[key] = 4242;
                assigned = "assigned";
              } catch (error) {
                assigned = error.name;
              }
            }
            seen.push([type, event instanceof MessageEvent, event instanceof CloseEvent,
                       Object.keys(event).sort(), event.code ?? null, event.data ?? null,
                       assigned]);
          });
        }
        latest().open();
        latest().message("m");
        latest().drop();
        socket.close();
        for (let turn = 0; turn < 5; turn += 1) await null;
        results[withCloseEvent ? "with CloseEvent" : "without CloseEvent"] = seen;
      } finally {
        delete globalThis.CloseEvent;
      }
    }
    // A native MessageEvent's own keys, to compare with the module's.
    results["a native MessageEvent's own keys"] = Object.keys(
      new MessageEvent("message", { data: "m" })).sort();
    return results;
  },
  // -- a constructor that throws, as `new WebSocket` does, leaves nothing running
  "a throwing first attempt leaves no timer": async () => {
    const before = live.size;
    class Refuses {
      constructor() {
        made.push(this);
        throw new SyntaxError("refused");
      }
    }
    const name = thrown(() => new Socket("ws://example.com/", [], { WebSocket: Refuses }));
    const none = thrown(() => new Socket("ws://example.com/"));
    for (let turn = 0; turn < 5; turn += 1) await null;
    return [name, none, live.size - before, made.length];
  },
  // -- each format gives the class: CommonJS's exports, the iife's global
  formats: () => {
    const require = createRequire(import.meta.url);
    const cjs = require("CJS_MODULE");
    const context = { EventTarget, Event, URL };
    vm.runInNewContext(readFileSync("IIFE_MODULE", "utf8"), context);
    return [typeof cjs.Socket, Object.keys(cjs), typeof context.Socket,
            String(new cjs.Socket("ws://example.com/", [], { WebSocket: Fake }).readyState)];
  },
  // close() cancels any pending reconnect, even when the app calls it from an "online" listener
  // that runs before the socket's own (a browser event while a backoff waits).
  "close() from an earlier online listener": async () => {
    const window = new EventTarget();
    globalThis.addEventListener = window.addEventListener.bind(window);
    globalThis.removeEventListener = window.removeEventListener.bind(window);
    globalThis.document = Object.assign(new EventTarget(), { hidden: false });
    Object.defineProperty(globalThis, "navigator", {
      value: { onLine: true },
      configurable: true,
      writable: true,
    });
    try {
      let socket;
      window.addEventListener("online", () => socket.close());
      socket = make();
      const seen = [];
      socket.onerror = () => seen.push("error");
      socket.onclose = (event) => seen.push(["close", event.code]);
      latest().open();
      latest().drop(); // a backoff: a wake-up may cut it short
      const attempts = made.length;
      window.dispatchEvent(new Event("online"));
      for (let turn = 0; turn < 5; turn += 1) await null;
      return [made.length - attempts, seen];
    } finally {
      for (const name of ["addEventListener", "removeEventListener", "document", "navigator"]) {
        delete globalThis[name];
      }
    }
  },
  // close() while the URL function's answer is on its way (a token arrives as the app logs
  // out), whichever promise callback it comes in: nothing is left connecting or open after it.
  "close() as the URL function answers": async () => {
    const outcomes = new Set();
    for (let hops = 0; hops < 8; hops += 1) {
      made = [];
      let answer;
      const socket = new Socket(() => new Promise((resolve) => (answer = resolve)), [], {
        WebSocket: Fake,
      });
      for (let turn = 0; turn < 5; turn += 1) await null;
      const seen = [];
      socket.onerror = () => seen.push("error");
      socket.onclose = (event) => seen.push(["close", event.code]);
      answer("ws://example.com/");
      for (let turn = 0; turn < hops; turn += 1) await null;
      socket.close();
      for (let turn = 0; turn < 10; turn += 1) await null;
      const live = made.filter((connection) => connection.readyState !== 3).length;
      outcomes.add(JSON.stringify([live, seen, socket.readyState]));
    }
    return [...outcomes].map((outcome) => JSON.parse(outcome));
  },
  // A URL function that fails is a failed attempt, "error" first: an "error" handler that
  // calls close() or reconnect() decides what follows, and the socket does not retry as well.
  "an error handler decides after a failed URL function": async () => {
    const results = {};
    for (const call of ["close", "reconnect"]) {
      made = [];
      let calls = 0;
      const url = () => {
        calls += 1;
        if (calls === 1) throw new Error("no token");
        return "ws://example.com/";
      };
      const socket = new Socket(url, [], { WebSocket: Fake });
      const seen = [];
      let handled = false;
      socket.onerror = () => {
        seen.push("error");
        if (!handled) socket[call]();
        handled = true;
      };
      socket.onreconnecting = (event) => seen.push(["reconnecting", event.code]);
      socket.onclose = (event) => seen.push(["close", event.code, event.wasClean]);
      socket.onopen = () => seen.push("open");
      for (let turn = 0; turn < 10; turn += 1) await null;
      if (made.length) latest().open();
      results[call] = [calls, made.length, seen, socket.readyState];
    }
    return results;
  },
  // -- what stays readable after the final close
  "after the final close": () => {
    const socket = opened();
    socket.close(1000);
    latest().onclose({ code: 1000, reason: "", wasClean: true });
    return [socket.readyState, socket.url, socket.protocol, socket.extensions];
  },
};
// An error thrown in one of the module's listeners is reported on the next tick.
const uncaught = [];
process.on("uncaughtException", (error) => uncaught.push(`${error.name}: ${error.message}`));
const results = {};
for (const [label, check] of Object.entries(CHECKS)) {
  made = [];
  try {
    results[label] = await check();
  } catch (error) {
    results[label] = { unexpected: `${error.name}: ${error.message}` };
  }
  // What a check began in promises (a close while connecting) ends before the next; no timer
  // can fire in between, only promise callbacks run.
  for (let turn = 0; turn < 5; turn += 1) await null;
}
await new Promise((resolve) => process.nextTick(resolve));
results["nothing thrown from a listener"] = uncaught;
process.stdout.write(JSON.stringify(results));
process.exit(0);
"""


@pytest.fixture(scope="module")
def seen(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder: Path = tmp_path_factory.mktemp("drop-in")
    module = folder / "socket.mjs"
    options = build_options({"class-name": "Socket"})
    module.write_text(render_module(options), encoding="utf-8")
    cjs, iife = folder / "socket.cjs", folder / "socket.iife.js"
    cjs.write_text(render_module(options, Format.CJS), encoding="utf-8")
    iife.write_text(render_module(options, Format.IIFE), encoding="utf-8")
    script = (
        HARNESS.replace("CJS_MODULE", str(cjs))
        .replace("IIFE_MODULE", str(iife))
        .replace('"MODULE"', json.dumps(module.as_uri()))
    )
    return dict(run_module_script(script))


def constant(value: int) -> dict[str, Any]:
    # WebIDL: a constant is a data property, not writable, enumerable, not configurable.
    return {"value": value, "writable": False, "enumerable": True, "configurable": False}


def accessor() -> dict[str, Any]:
    # WebIDL: a regular attribute is an accessor pair on the prototype, enumerable, configurable.
    return {"get": "function", "set": "function", "enumerable": True, "configurable": True}


# The fields of an event the runtime has no class for (drop-in.md, "reconnecting" in
# README.md), sorted.
EVENT_KEYS = {
    "reconnecting": sorted(["code", "reason", "wasClean", "attempt", "delay", "fromServer"]),
    "close": sorted(["code", "reason", "wasClean"]),
}

# What a WebSocket does (drop-in.md, WHATWG WebSockets, WebIDL), by check.
EXPECTED: dict[str, Any] = {
    # http(s) as ws(s), a trailing "/" added, relative to the page, a URL object as its string.
    "url": {
        "ws://example.com": "ws://example.com/",
        "wss://example.com/a?b=c": "wss://example.com/a?b=c",
        "http://example.com/x": "ws://example.com/x",
        "https://example.com:8443/y": "wss://example.com:8443/y",
        "HTTP://Example.com/z": "ws://example.com/z",
        "a URL object": "wss://example.com/o",
        "live?x=1": "wss://example.com/app/live?x=1",
        "/root": "wss://example.com/root",
    },
    # Another scheme, a fragment (even an empty one), or no URL at all: SyntaxError.
    "url refused": {
        "ftp://example.com/live": "SyntaxError",
        "ftp://example.com/ws:x": "SyntaxError",
        "file:///ws:x": "SyntaxError",
        "ws://example.com/#": "SyntaxError",
        "ws://example.com/a#b": "SyntaxError",
        "not a url": "SyntaxError",
        "mailto:ws:x": "SyntaxError",
    },
    "what the WebSocket class is given": ["ws://example.com/q", "ws://example.com/q"],
    "no argument": "TypeError",
    "send() without an argument": "TypeError",
    "send(undefined) is an argument": None,
    "no WebSocket class": "TypeError",
    # [Clamp] unsigned short: to the nearest integer, a tie to the even one; then 1000 or
    # 3000-4999, else InvalidAccessError (NaN clamps to 0).
    "close codes": {
        "1000": 1000,
        "1000.4": 1000,
        "1000.5": 1000,
        "999.5": 1000,
        "2999.5": 3000,
        "2999.4": "InvalidAccessError",
        "3000": 3000,
        "3001.5": 3002,
        "3002.5": 3002,
        "4998.5": 4998,
        "4999": 4999,
        "4999.5": "InvalidAccessError",
        "5000": "InvalidAccessError",
        "1001": "InvalidAccessError",
        "0": "InvalidAccessError",
        "abc": "InvalidAccessError",
        "NaN": "InvalidAccessError",
    },
    # USVString: converted to text; at most 123 bytes of UTF-8, else SyntaxError.
    "close reasons": {
        "123 bytes": "x" * 123,
        "124 bytes": "SyntaxError",
        "41 euro signs (123 bytes)": "\u20ac" * 41,
        "42 euro signs (126 bytes)": "SyntaxError",
        "a number": "42",
        "an object": "text",
        "empty": "",
    },
    "close() converts its code once": [1, 3000],
    "close(undefined, reason)": "InvalidAccessError",
    "close() checks before the state": ["InvalidAccessError", "SyntaxError"],
    # close() without a code sends none; the close event says 1005, "".
    "close() without a code": [0, [[1005, "", True], [1005, "", False]]],
    "constants": {
        name: [constant(value), constant(value)]
        for value, name in enumerate(("CONNECTING", "OPEN", "CLOSING", "CLOSED"))
    },
    "shape": [
        [],
        [],
        "{}",
        "[object WebSocket]",
        {"value": "WebSocket", "writable": False, "enumerable": False, "configurable": True},
        1,
        1,
        0,
    ],
    "handler accessors": {
        type: accessor() for type in ("open", "message", "error", "close", "reconnecting")
    },
    # Anything but an object reads back null.
    "handler values": [
        None,
        "the function",
        None,
        "the function",
        None,
        "the function",
        "the object",
        "the function",
        None,
        None,
    ],
    "handler order": [
        [
            *("first handler a", "listener a", "second handler", "listener b"),
            *("listener c", "third handler", "listener d"),
        ],
        True,
    ],
    "every type has its handler": ["open", "message", "reconnecting", "error", "close"],
    "binaryType while connected": [
        ["blob", "arraybuffer", "arraybuffer", "blob", "blob", "nodebuffer", "arraybuffer"],
        "arraybuffer",
    ],
    "binaryType between attempts": [
        ["blob", "arraybuffer", "arraybuffer", "arraybuffer", "blob", "blob", "arraybuffer"],
        "arraybuffer",
    ],
    "binaryType without a connection": ["blob", "blob"],
    "binaryType kept across connections": ["arraybuffer", "arraybuffer"],
    "send() while the connection closes": [None, 4, ["kept"]],
    "reconnect() while open": [None, 2, 0],
    "close() while reconnect()'s URL function answers": [2, ["error", ["close", 1006, False]], 3],
    # message: a real MessageEvent; close: a CloseEvent where the runtime has the class, else an
    # Event with read-only fields; reconnecting: always an Event with read-only fields.
    "event classes": {
        "without CloseEvent": [
            ["open", False, False, [], None, None, "no field"],
            ["message", True, False, [], None, "m", "TypeError"],
            ["reconnecting", False, False, EVENT_KEYS["reconnecting"], 1006, None, "TypeError"],
            ["error", False, False, [], None, None, "no field"],
            ["close", False, False, EVENT_KEYS["close"], 1006, None, "TypeError"],
        ],
        "with CloseEvent": [
            ["open", False, False, [], None, None, "no field"],
            ["message", True, False, [], None, "m", "TypeError"],
            ["reconnecting", False, False, EVENT_KEYS["reconnecting"], 1006, None, "TypeError"],
            ["error", False, False, [], None, None, "no field"],
            ["close", False, True, [], 1006, None, "TypeError"],
        ],
        "a native MessageEvent's own keys": [],
    },
    "a throwing first attempt leaves no timer": ["SyntaxError", "TypeError", 0, 1],
    "formats": ["function", ["Socket"], "function", "0"],
    "close() from an earlier online listener": [0, ["error", ["close", 1006]]],
    "close() as the URL function answers": [[0, ["error", ["close", 1006]], 3]],
    "an error handler decides after a failed URL function": {
        "close": [1, 0, ["error", "error", ["close", 1006, False]], 3],
        "reconnect": [2, 1, ["error", "open"], 1],
    },
    # A non-callable handler runs nothing (HTML's event handler processing), so throws nothing.
    "nothing thrown from a listener": [],
    # url, protocol and extensions stay readable after the final close.
    "after the final close": [3, "ws://example.com/", "chat", "permessage-deflate"],
}


@pytest.mark.parametrize("check", list(EXPECTED))
def test_the_socket_shows_what_a_websocket_shows(seen: dict[str, Any], check: str) -> None:
    assert seen[check] == EXPECTED[check], check


def test_every_check_has_its_expectation(seen: dict[str, Any]) -> None:
    assert set(seen) == set(EXPECTED)
