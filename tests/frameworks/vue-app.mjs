// A Vue 3 app using the generated composable, driven by tests/browser/test_frameworks.py
// through window.harness; bundled by esbuild.
import { createApp, defineComponent, ref, watchEffect } from "vue";
import { useReconnectingSocket } from "./reconnecting-socket.vue.js";

const url = ref(null);

const Probe = defineComponent({
  setup() {
    const socket = useReconnectingSocket(url);
    watchEffect(() => {
      recordSocketState({
        readyState: socket.readyState.value,
        lastMessage: socket.lastMessage.value && socket.lastMessage.value.data,
        lastClose: socket.lastClose.value,
        reconnect: socket.reconnect.value,
      });
    });
    window.socketSend = socket.send;
    window.socketClose = socket.close;
    return () => null;
  },
});

let app = null;

window.harness = {
  mount(target) {
    url.value = target;
    app = createApp(Probe);
    app.mount("#root");
  },
  setUrl(target) {
    url.value = target;
  },
  rerender() {},
  unmount() {
    app.unmount();
    app = null;
  },
};
