// Renderer entry: the store over the API client, run events wired in, the app rendered.

import { createRoot } from "react-dom/client";
import { App } from "./App";
import { StoreContext } from "./views/useApp";
import { createAppStore } from "./store/store";
import { createClient } from "./api/client";
import "./styles.css";

const client = createClient();
const store = createAppStore(client.api);
client.onRunEvent((e) => store.getState().onRunEvent(e));
if (window.matchMedia?.("(prefers-color-scheme: dark)").matches) store.getState().setTheme("dark");
void store.getState().init();
// for the e2e tests and the in-browser benchmark
(window as unknown as { __numadesk: typeof store }).__numadesk = store;

createRoot(document.getElementById("root")!).render(
  <StoreContext.Provider value={store}>
    <App />
  </StoreContext.Provider>,
);
