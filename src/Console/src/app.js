// The console's shell: sign-in (the key is tried on GET /v1/admin/tenant, then kept in this tab's
// session storage), sign-out, and the views by the URL's hash (#/clients, #/clients/NAME, #/tenant).
// The hash carries only the view; the key is never in a URL.
import { api, session } from "./api.js";
import { clientView } from "./client.js";
import { clientsView } from "./clients.js";
import { tenantView } from "./tenant.js";

const $ = (id) => document.getElementById(id);
let stopView = () => {};
let overview = null;

function explain(failure) {
  if (failure.status === 401) return "This key is not valid. Check it and try again.";
  if (failure.status === 403) return "This key is not an operator key: the console needs your tenant's operator key.";
  if (failure.status === 429) return "Too many attempts: wait a moment and try again.";
  return failure.message || "The service did not answer; try again.";
}

function showSignIn(message) {
  stopView();
  overview = null;
  $("view").hidden = true;
  $("nav").hidden = true;
  $("sign-out").hidden = true;
  $("who").textContent = "";
  $("sign-in").hidden = false;
  const error = $("sign-in-error");
  error.textContent = message ?? "";
  error.hidden = !message;
  $("key").focus();
}

async function signIn(key) {
  overview = await api("/v1/admin/tenant", { key });
  session.keep(key);
  $("sign-in").hidden = true;
  $("nav").hidden = false;
  $("sign-out").hidden = false;
  $("who").textContent = `operator of ${overview.tenant}`;
  route();
}

function route() {
  if (!overview) return;
  stopView();
  const view = $("view");
  view.hidden = false;
  const hash = location.hash || "#/clients";
  const open = (name) => { location.hash = `#/clients/${encodeURIComponent(name)}`; };
  const context = { levels: overview.levels, open, back: () => { location.hash = "#/clients"; } };
  const client = hash.match(/^#\/clients\/(.+)$/);
  view.dataset.view = client ? "client" : hash === "#/tenant" ? "tenant" : "clients";
  document.querySelectorAll("#nav a").forEach((a) => a.classList.toggle("active", hash.startsWith(a.getAttribute("href"))));
  if (client) stopView = clientView(view, { ...context, name: decodeURIComponent(client[1]) });
  else if (hash === "#/tenant") stopView = tenantView(view, { ...context, overview });
  else stopView = clientsView(view, context);
}

$("sign-in-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const key = $("key").value.trim();
  $("key").value = "";
  try {
    await signIn(key);
  } catch (failure) {
    showSignIn(explain(failure));
  }
});

$("sign-out").addEventListener("click", () => {
  session.forget();
  showSignIn("Signed out.");
});

window.addEventListener("hashchange", route);
// A refresh of the page keeps the tab's key; a key that stopped working sends the operator back to sign-in.
window.addEventListener("unhandledrejection", (event) => {
  if (event.reason?.status === 401) { session.forget(); showSignIn(explain(event.reason)); }
});

const kept = session.key();
if (kept) signIn(kept).catch((failure) => { session.forget(); showSignIn(explain(failure)); });
else showSignIn();
