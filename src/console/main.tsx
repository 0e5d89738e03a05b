import { render } from "preact";
import { AckLinkPage } from "./ack-link-page.js";
import { App } from "./app.js";

const ACK_PREFIX = "/ack/";
const root = document.getElementById("app");
if (root !== null) {
  root.replaceChildren();
  const { pathname } = window.location;
  render(
    pathname.startsWith(ACK_PREFIX) ? (
      <AckLinkPage token={decodeURIComponent(pathname.slice(ACK_PREFIX.length))} />
    ) : (
      <App />
    ),
    root,
  );
}
