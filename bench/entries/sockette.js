// The whole of sockette is its default-exported function.
export { default } from "sockette";
