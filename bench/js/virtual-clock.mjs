// A virtual clock for the storm simulation: setTimeout, clearTimeout and Date.now are replaced
// by a priority queue of timers, so 100,000 clients' minutes of waiting run in seconds and no
// delay is distorted by the machine's load. Install it before the library under test is
// imported, in case the library keeps a reference to a global at import time.
const real = { setTimeout, clearTimeout, setImmediate, dateNow: Date.now };
const EPOCH = Date.UTC(2026, 0, 1);

let now = 0;
let lastId = 0;
const heap = []; // timers ordered by (at, id): a binary min-heap
const live = new Map(); // id -> timer, minus the cleared ones

const before = (a, b) => a.at < b.at || (a.at === b.at && a.id < b.id);

function push(timer) {
  heap.push(timer);
  for (let i = heap.length - 1; i > 0; ) {
    const parent = (i - 1) >> 1;
    if (!before(heap[i], heap[parent])) break;
    [heap[i], heap[parent]] = [heap[parent], heap[i]];
    i = parent;
  }
}

function pop() {
  const top = heap[0];
  const last = heap.pop();
  if (heap.length > 0) {
    heap[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && before(heap[l], heap[m])) m = l;
      if (r < heap.length && before(heap[r], heap[m])) m = r;
      if (m === i) break;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  }
  return top;
}

/** Replace the timer globals; returns the clock's controls. */
export function installVirtualClock() {
  globalThis.setTimeout = (fn, ms = 0, ...args) => {
    const timer = { at: now + Math.max(0, Number(ms) || 0), id: ++lastId, fn, args };
    live.set(timer.id, timer);
    push(timer);
    return timer.id;
  };
  globalThis.clearTimeout = (id) => live.delete(id);
  Date.now = () => EPOCH + Math.floor(now);
  return { now: () => now, runUntil, reset };
}

/**
 * Fire every timer due up to `until` (virtual ms) in order. After each one, real macrotask
 * turns let promise chains settle (partysocket connects through promises), so a timer they
 * set lands in the queue before the clock moves on.
 */
async function runUntil(until) {
  while (heap.length > 0 && heap[0].at <= until) {
    const timer = pop();
    if (!live.delete(timer.id)) continue;
    now = timer.at;
    timer.fn(...timer.args);
    await new Promise((r) => real.setImmediate(r));
  }
  now = Math.max(now, until);
}

/** Forget every timer and restart at 0, for the next scenario in the same process. */
function reset() {
  heap.length = 0;
  live.clear();
  now = 0;
}
