// The wsgen demo page: drives the just-generated module against the demo server and draws,
// entry by entry, what the module does. Every label of a close code comes from the JSON the
// server injected (drawn from generator/codes.py); nothing here knows a code's meaning.

const data = JSON.parse(document.getElementById("demo-data").textContent);
const generated = await import(data.paths.module);
const Socket = generated[data.className];

// One id per page load: the server acts on this page's connection, not on another tab's. With
// --share-tabs every tab asks for the same URL, so that they share one connection, and the
// server acts on that one whichever tab presses a button.
const tabId = Math.random().toString(36).slice(2, 10);
const clientId = data.shareTabs ? "shared" : tabId;
const startedAt = performance.now();
const COUNTDOWN_TICK_MS = 100;

const elements = {
  state: document.getElementById("state"),
  timeline: document.getElementById("timeline"),
  queue: document.getElementById("queue"),
  queueCount: document.getElementById("queue-count"),
  buttons: document.getElementById("buttons"),
  downFor: document.getElementById("down-for"),
  customForm: document.getElementById("custom-form"),
  customCode: document.getElementById("custom-code"),
  customReason: document.getElementById("custom-reason"),
  newSocket: document.getElementById("new-socket"),
  sendForm: document.getElementById("send-form"),
  message: document.getElementById("message"),
  sharing: document.getElementById("sharing"),
  openCount: document.getElementById("open-count"),
};

let socket = null;
let state = "loading";
let countdown = null;
let nextMessageId = 1;
const queued = new Map(); // id -> text, mirroring what the module holds until the next open
const sent = new Map(); // id -> text, sent and awaiting the server's acknowledgement
let openEntry = null;
let restartUntil = 0; // performance.now() until which the server said it refuses connections
let attemptPending = false; // a reconnect was scheduled and has not opened yet

// -- the code table ---------------------------------------------------------------------------

function codeRow(code) {
  return data.codes.find((row) => code >= row.first && code <= row.last);
}

function codeName(code) {
  const row = codeRow(code);
  return row ? `${code} ${row.name}` : `${code} (unregistered)`;
}

function codeMeaning(code) {
  const row = codeRow(code);
  return row ? row.meaning : "No meaning is registered for this code.";
}

function policyAction(code) {
  // The same lookup the module makes: the first row covering the code decides.
  for (const [first, last, action] of data.policy) {
    if (code >= first && code <= last) return action;
  }
  return "retry";
}

function flagValue(name) {
  return data.flags.find((entry) => entry.flag === name).value;
}

/** What the module's policy says for `code`, in words, with the window when it has one. */
function describePolicy(code) {
  const action = policyAction(code);
  const windowed = action === "restart" || action === "retry-later";
  return data.actions[action] + (windowed ? ` (--restart-delay ${flagValue("restart-delay")})` : "");
}

// -- drawing ------------------------------------------------------------------------------------

function seconds(milliseconds) {
  return `${(milliseconds / 1000).toFixed(milliseconds < 10000 ? 2 : 1)} s`;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Appends one entry; `details` are lines under the title; `attributes` become data-*. */
function addEntry(kind, title, details = [], attributes = {}) {
  const entry = element("li", `entry entry-${kind}`);
  entry.dataset.kind = kind;
  for (const [name, value] of Object.entries(attributes)) entry.dataset[name] = String(value);
  entry.append(
    element("span", "time", `+${seconds(performance.now() - startedAt)}`),
    element("span", "kind", kind),
  );
  const body = element("div", "body");
  body.append(element("strong", "what", title));
  for (const line of details) {
    if (line) body.append(element("span", "detail", line));
  }
  entry.append(body);
  elements.timeline.append(entry);
  entry.scrollIntoView({ block: "nearest" });
  return entry;
}

function setState(next, text) {
  state = next;
  elements.state.dataset.state = next;
  elements.state.textContent = text || next;
  const open = next === "open";
  for (const button of document.querySelectorAll("button[data-action]")) {
    // The server acts on a live connection; restart also needs none to exist, but a restart
    // of a server nobody is connected to shows nothing.
    button.disabled = !open;
  }
  elements.newSocket.disabled = next !== "closed";
}

function drawQueue() {
  elements.queue.replaceChildren(
    ...[...queued].map(([id, text]) => element("li", "queued", `#${id} ${JSON.stringify(text)}`)),
  );
  elements.queueCount.textContent = String(queued.size);
}

function stopCountdown() {
  if (!countdown) return;
  clearInterval(countdown.timer);
  countdown.line.textContent = `attempt ${countdown.attempt} made after ${countdown.delay} ms`;
  countdown = null;
}

function startCountdown(line, attempt, delay) {
  stopCountdown();
  const due = performance.now() + delay;
  const tick = () => {
    const left = due - performance.now();
    if (left <= 0) {
      setState("reconnecting", `reconnecting: attempt ${attempt}`);
      stopCountdown();
      return;
    }
    line.textContent = `attempt ${attempt} in ${delay} ms: ${seconds(left)} left`;
    elements.state.textContent = `reconnecting in ${seconds(left)}`;
  };
  countdown = { timer: setInterval(tick, COUNTDOWN_TICK_MS), line, attempt, delay };
  tick();
}

// -- the socket ---------------------------------------------------------------------------------

function socketUrl() {
  const url = new URL(data.paths.socket, location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  url.searchParams.set("client", clientId);
  return url.href;
}

function connect() {
  const url = socketUrl();
  socket = new Socket(url);
  const current = socket;
  const mine = (handler) => (event) => {
    if (socket === current) handler(event);
  };
  setState("connecting");
  addEntry("connecting", `new ${data.className}(url)`, [url]);
  current.addEventListener("open", mine(onOpen));
  current.addEventListener("message", mine(onMessage));
  current.addEventListener("reconnecting", mine(onReconnecting));
  current.addEventListener("close", mine(onClose));
}

function onOpen() {
  attemptPending = false;
  stopCountdown();
  setState("open");
  const shared = "one connection for every tab of this page (--share-tabs)";
  openEntry = addEntry("open", "connected", data.shareTabs ? [shared] : []);
  // The module has just sent its queue, in order, before firing "open".
  for (const [id, text] of queued) {
    sent.set(id, text);
    addEntry("sent", `#${id} sent from the queue`, [JSON.stringify(text)], { id });
  }
  queued.clear();
  drawQueue();
}

function onMessage(event) {
  let message;
  try {
    message = JSON.parse(event.data);
  } catch {
    addEntry("message", "message", [String(event.data)]);
    return;
  }
  if (message.open !== undefined) elements.openCount.textContent = String(message.open);
  if (data.shareTabs && message.type === "delivered" && !sent.has(message.id)) {
    // Another tab's message, on the connection this tab shares: its answer reaches every tab.
    addEntry(
      "delivered",
      `${message.id} delivered, from another tab`,
      [`on the connection this tab shares: #${message.connection}`],
      { id: message.id, connection: message.connection, from: "another tab" },
    );
  } else if (message.type === "welcome" && openEntry) {
    openEntry.querySelector(".what").textContent = `connected: connection #${message.connection}`;
    openEntry.dataset.connection = String(message.connection);
  } else if (message.type === "delivered") {
    const text = sent.get(message.id);
    sent.delete(message.id);
    addEntry(
      "delivered",
      `#${message.id} delivered`,
      [`the server received ${JSON.stringify(text)} on connection #${message.connection}`],
      { id: message.id, connection: message.connection },
    );
  }
}

function onReconnecting(event) {
  const { code, reason, attempt, delay } = event;
  const failedAttempt = attemptPending;
  attemptPending = true;
  setState("reconnecting", "reconnecting");
  const countdownLine = element("span", "countdown");
  const entry = addEntry(
    "reconnecting",
    `closed ${codeName(code)}: reconnecting`,
    [
      codeMeaning(code),
      reason ? `reason: ${JSON.stringify(reason)}` : "",
      failedAttempt ? failedAttemptNote() : "",
      `${describePolicy(code)}: attempt ${attempt} after ${delay} ms`,
    ],
    { code, attempt, delay },
  );
  entry.querySelector(".body").append(countdownLine);
  startCountdown(countdownLine, attempt, delay);
}

function failedAttemptNote() {
  return performance.now() < restartUntil
    ? "the attempt never opened: inside its restart window the server answers HTTP 503"
    : "the attempt never opened";
}

function onClose(event) {
  const { code, reason } = event;
  attemptPending = false;
  stopCountdown();
  setState("closed");
  const stops = policyAction(code) === "stop";
  addEntry(
    "close",
    `closed ${codeName(code)}: for good`,
    [
      codeMeaning(code),
      reason ? `reason: ${JSON.stringify(reason)}` : "",
      stops
        ? `${describePolicy(code)}: no further attempt`
        : `gave up after --max-retries ${flagValue("max-retries")}: no further attempt`,
    ],
    { code },
  );
  for (const [id, text] of queued) {
    addEntry("discarded", `#${id} discarded`, [`${JSON.stringify(text)} was still queued`], { id });
  }
  queued.clear();
  drawQueue();
}

// -- the page's controls ------------------------------------------------------------------------

function send(text) {
  // Tabs sharing a connection each number their messages: the tab's id tells them apart.
  const id = data.shareTabs ? `${tabId}-${nextMessageId++}` : nextMessageId++;
  const wasOpen = socket.readyState === Socket.OPEN;
  try {
    socket.send(JSON.stringify({ id, text }));
  } catch (error) {
    addEntry("error", `send() threw ${error.name}`, [error.message]);
    return;
  }
  if (wasOpen) {
    sent.set(id, text);
    addEntry("sent", `#${id} sent`, [JSON.stringify(text)], { id });
  } else {
    queued.set(id, text);
    addEntry(
      "queued",
      `#${id} queued`,
      [`${JSON.stringify(text)} waits for the next open; ${queued.size} in the queue`],
      { id },
    );
    drawQueue();
  }
}

async function control(parameters, what, hint) {
  const url = new URL(data.paths.control, location.href);
  url.searchParams.set("client", clientId);
  for (const [name, value] of Object.entries(parameters)) url.searchParams.set(name, value);
  addEntry("action", `you: ${what}`, [hint], { action: parameters.action });
  try {
    const response = await fetch(url, { cache: "no-store" });
    const answer = await response.json();
    if (response.ok && parameters.action === "restart") {
      restartUntil = performance.now() + Number(parameters.down) * 1000;
    }
    addEntry(response.ok ? "server" : "error", `server: ${answer.message}`, [], {
      action: parameters.action,
    });
  } catch (error) {
    addEntry("error", "the server did not answer", [String(error)]);
  }
}

function drawHeader() {
  document.getElementById("command").textContent = data.command;
  document.getElementById("class-name").textContent = data.className;
  const flags = document.getElementById("flags");
  for (const { flag, value, given, switch: isSwitch } of data.flags) {
    const item = element("li", given ? "flag given" : "flag");
    if (isSwitch) item.append(element("code", "", value === "on" ? `--${flag}` : `--no-${flag}`));
    else item.append(element("code", "", `--${flag}`), " ", element("span", "", value || "none"));
    item.title = given ? "given on the command line" : "default";
    flags.append(item);
  }
}

function drawButtons() {
  for (const button of data.buttons) {
    const node = element("button", "action");
    node.type = "button";
    node.dataset.action = button.name;
    node.title = button.hint;
    node.append(element("span", "label", button.label), element("span", "code", codeName(button.code)));
    node.addEventListener("click", () => {
      const parameters = { action: button.name };
      if (button.name === "restart") parameters.down = elements.downFor.value;
      control(parameters, button.label.toLowerCase(), button.hint);
    });
    elements.buttons.append(node);
  }
}

elements.downFor.value = String(data.downFor);
elements.customForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const code = elements.customCode.value;
  const reason = elements.customReason.value;
  const hint = reason ? `reason: ${JSON.stringify(reason)}` : "";
  control({ action: "custom", code, reason }, `close with ${codeName(Number(code))}`, hint);
});
elements.sendForm.addEventListener("submit", (event) => {
  event.preventDefault();
  send(elements.message.value);
});
elements.newSocket.addEventListener("click", connect);

elements.sharing.hidden = !data.shareTabs;
drawHeader();
drawButtons();
drawQueue();
connect();
