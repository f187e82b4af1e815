// The client's audit trail: GET /v1/admin/audit?client= (docs/API.md). A server without the audit
// log answers 404, and the panel says so instead of failing.
import { api } from "./api.js";
import { el, when } from "./dom.js";

export function auditPanel(name) {
  const body = el("tbody", { id: "audit-body" });
  const note = el("p", { id: "audit-note", class: "muted" });
  const element = el("section", { class: "card", id: "audit" },
    el("h2", { text: "Audit trail" }),
    el("table", { class: "grid" },
      el("thead", {}, el("tr", {}, ["When", "Who", "Action", "Before", "After"].map((h) => el("th", { text: h })))),
      body),
    note);

  async function refresh() {
    try {
      const answer = await api(`/v1/admin/audit?client=${encodeURIComponent(name)}&limit=50&offset=0`);
      body.replaceChildren(...answer.entries.map((e) => el("tr", {},
        el("td", { text: when(e.at) }),
        el("td", { text: `${e.actor} (${e.role})` }),
        el("td", { text: e.action }),
        el("td", { class: "json", text: show(e.before) }),
        el("td", { class: "json", text: show(e.after) }))));
      note.textContent = answer.total === 0 ? "Nothing recorded for this client yet." : `${answer.entries.length} of ${answer.total} entries`;
    } catch (failure) {
      body.replaceChildren();
      note.textContent = failure.status === 404 ? "no audit log on this server" : failure.message;
    }
  }

  return { element, refresh };
}

const show = (value) => (value === null || value === undefined ? "—" : typeof value === "string" ? value : JSON.stringify(value));
