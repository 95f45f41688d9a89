// A React app using the generated hook, driven by tests/browser/test_frameworks.py through
// window.harness; bundled by esbuild against React 19, or React 18 by alias.
import { createElement, StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { useReconnectingSocket } from "./reconnecting-socket.react.js";

function Probe({ url, settings }) {
  const socket = useReconnectingSocket(url, settings);
  recordSocketState({
    readyState: socket.readyState,
    lastMessage: socket.lastMessage && socket.lastMessage.data,
    lastClose: socket.lastClose,
    reconnect: socket.reconnect,
  });
  window.socketSend = socket.send;
  window.socketClose = socket.close;
  return null;
}

let root = null;
let strict = false;
let url = null;

function render() {
  // A new settings object and callback on every render, as inline ones are: no reconnect.
  const probe = createElement(Probe, { url, settings: { onMessage() {} } });
  root.render(strict ? createElement(StrictMode, null, probe) : probe);
}

window.harness = {
  mount(target, inStrictMode) {
    url = target;
    strict = inStrictMode;
    root = createRoot(document.getElementById("root"));
    render();
  },
  setUrl(target) {
    url = target;
    render();
  },
  rerender: render,
  unmount() {
    root.unmount();
    root = null;
  },
};
