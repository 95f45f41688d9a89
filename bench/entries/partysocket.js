// partysocket's drop-in class (the ReconnectingWebSocket under "partysocket/ws"), without the PartyKit URL helpers.
export { default } from "partysocket/ws";
