// The class users import: reconnecting-websocket's default export.
export { default } from "reconnecting-websocket";
