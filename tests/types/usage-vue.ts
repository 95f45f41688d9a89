import { ref } from "vue";
import { useReconnectingSocket } from "./socket.vue.js";
import type { SocketClose, SocketRefs } from "./socket.vue.js";

export function useChat(): number {
  const room = ref<string | null>("lobby");
  const chat: SocketRefs = useReconnectingSocket(() => room.value && `wss://example.test/${room.value}`, {
    protocols: "chat.v1",
    onMessage: (event: MessageEvent) => void event.data,
  });
  chat.send("hello");
  const last: SocketClose | null = chat.lastClose.value;
  if (last?.final) chat.close();
  useReconnectingSocket("wss://example.test/");
  return chat.readyState.value + (chat.reconnect.value?.delay ?? 0);
}
