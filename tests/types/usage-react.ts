import { useReconnectingSocket } from "./socket.react.js";
import type { SocketClose, SocketState } from "./socket.react.js";

export function useChat(room: string | null): string {
  const chat: SocketState = useReconnectingSocket(room && `wss://example.test/${room}`, {
    protocols: ["chat.v1"],
    options: { restartDelayMin: 500 },
    onMessage: (event: MessageEvent) => void event.data,
  });
  chat.send("hello");
  const last: SocketClose | null = chat.lastClose;
  if (last?.final) chat.close(1000, "bye");
  return `${chat.readyState} ${chat.reconnect?.attempt ?? 0} ${chat.reconnect?.delay ?? 0}`;
}
