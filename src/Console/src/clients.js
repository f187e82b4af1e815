// The clients table: a page of the tenant's clients, most suspicious first, filtered by level and
// flagged on the server (GET /v1/admin/clients?level=&flagged=), refreshed every few seconds.
import { api } from "./api.js";
import { ago, count, el, fixed, levelBadge } from "./dom.js";

const pageSize = 50;
const refreshMs = 2000;

export function clientsView(root, { levels, open }) {
  const state = { offset: 0, level: "", flagged: "", sort: "suspicion" };
  const levelFilter = el("select", { id: "filter-level", "aria-label": "Level" },
    el("option", { value: "", text: "every level" }),
    levels.map((l) => el("option", { value: String(l.level), text: `${l.level} ${l.levelName}` })));
  const flaggedFilter = el("select", { id: "filter-flagged", "aria-label": "Flagged" },
    el("option", { value: "", text: "flagged or not" }),
    el("option", { value: "true", text: "flagged only" }),
    el("option", { value: "false", text: "not flagged" }));
  const sortSelect = el("select", { id: "sort", "aria-label": "Sort" },
    ["suspicion", "queries", "lastSeen", "client"].map((s) => el("option", { value: s, text: `by ${s}` })));
  const body = el("tbody", { id: "clients-body" });
  const range = el("span", { id: "clients-range", class: "muted" });
  const previous = el("button", { type: "button", id: "page-previous", text: "← previous" });
  const next = el("button", { type: "button", id: "page-next", text: "next →" });
  const status = el("p", { class: "error", role: "alert", hidden: true });

  root.replaceChildren(el("section", { class: "card" },
    el("div", { class: "toolbar" }, el("h1", { text: "Clients" }), el("span", { class: "spacer" }), levelFilter, flaggedFilter, sortSelect),
    el("table", { id: "clients", class: "grid" },
      el("thead", {}, el("tr", {}, ["Client", "Suspicion", "Level", "Flagged since", "Queries", "Last seen"].map((h) => el("th", { text: h })))),
      body),
    el("div", { class: "toolbar" }, range, el("span", { class: "spacer" }), previous, next),
    status));

  const onFilter = () => { state.offset = 0; refresh(); };
  levelFilter.addEventListener("change", () => { state.level = levelFilter.value; onFilter(); });
  flaggedFilter.addEventListener("change", () => { state.flagged = flaggedFilter.value; onFilter(); });
  sortSelect.addEventListener("change", () => { state.sort = sortSelect.value; onFilter(); });
  previous.addEventListener("click", () => { state.offset = Math.max(0, state.offset - pageSize); refresh(); });
  next.addEventListener("click", () => { state.offset += pageSize; refresh(); });

  let generation = 0;
  async function refresh() {
    const mine = ++generation;
    const query = new URLSearchParams({ sort: state.sort, limit: String(pageSize), offset: String(state.offset) });
    if (state.level) query.set("level", state.level);
    if (state.flagged) query.set("flagged", state.flagged);
    try {
      const page = await api(`/v1/admin/clients?${query}`);
      if (mine !== generation) return; // a newer request (filter, page) answered first or is on its way
      status.hidden = true;
      body.replaceChildren(...page.clients.map((c) => row(c, open)));
      const last = Math.min(state.offset + page.clients.length, page.total);
      range.textContent = page.total === 0 ? "no clients match" : `${state.offset + 1}–${last} of ${count(page.total)}`;
      previous.disabled = state.offset === 0;
      next.disabled = last >= page.total;
      root.dataset.loaded = String(Date.now());
    } catch (failure) {
      status.textContent = failure.message;
      status.hidden = false;
    }
  }

  refresh();
  const timer = setInterval(refresh, refreshMs);
  return () => clearInterval(timer);
}

function row(client, open) {
  const link = el("a", { href: `#/clients/${encodeURIComponent(client.client)}`, text: client.client });
  link.addEventListener("click", (event) => { event.preventDefault(); open(client.client); });
  return el("tr", { "data-client": client.client, class: client.flagged ? "flagged" : "" },
    el("td", {}, link),
    el("td", { class: "number" }, el("meter", { min: "0", max: "1", low: "0.3", high: "0.7", optimum: "0", value: String(client.suspicion) }), ` ${fixed(client.suspicion)}`),
    el("td", {}, levelBadge(client.level, client.levelName)),
    el("td", { text: client.flaggedSince ? ago(client.flaggedSince) : "—" }),
    el("td", { class: "number", text: count(client.queries) }),
    el("td", { text: ago(client.lastSeen) }));
}
