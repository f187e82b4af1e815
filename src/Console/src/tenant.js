// The tenant at a glance (GET /v1/admin/tenant): clients per level, queries per minute, the last
// hour's flags and the split-attack alerts with the keys involved.
import { api } from "./api.js";
import { levelsChart, queriesChart, seconds } from "./charts.js";
import { ago, count, el, levelBadge, when } from "./dom.js";

const refreshMs = 5000;

export function tenantView(root, { overview, open }) {
  const levelsBox = el("div", { id: "chart-levels", class: "chart" });
  const queriesBox = el("div", { id: "chart-queries", class: "chart" });
  const flagsCount = el("strong", { id: "flags-last-hour" });
  const flags = el("tbody", { id: "flags-body" });
  const alerts = el("tbody", { id: "alerts-body" });
  const status = el("p", { class: "error", role: "alert", hidden: true });
  const clickable = (name) => {
    const link = el("a", { href: `#/clients/${encodeURIComponent(name)}`, text: name });
    link.addEventListener("click", (event) => { event.preventDefault(); open(name); });
    return link;
  };

  root.replaceChildren(
    el("section", { class: "card" }, el("h1", { id: "tenant-name", text: `Tenant ${overview.tenant}` }),
      el("p", { id: "tenant-clients", class: "muted" }), status),
    el("section", { class: "card charts" }, levelsBox, queriesBox),
    el("div", { class: "columns" },
      el("section", { class: "card" }, el("h2", {}, "Flags in the last hour: ", flagsCount),
        el("table", { class: "grid" }, el("thead", {}, el("tr", {}, ["When", "Client", "Level"].map((h) => el("th", { text: h })))), flags)),
      el("section", { class: "card" }, el("h2", { text: "Split-attack alerts" }),
        el("table", { class: "grid" }, el("thead", {}, el("tr", {}, ["When", "Model", "Keys involved", "Why"].map((h) => el("th", { text: h })))), alerts))));

  const names = overview.levels.map((l) => l.levelName);
  const levelsPlot = levelsChart(levelsBox, names);
  const queriesPlot = queriesChart(queriesBox);

  function render(next) {
    root.querySelector("#tenant-clients").textContent = `${count(next.clients)} ${next.clients === 1 ? "client" : "clients"}`;
    levelsPlot.update([next.levels.map((l) => l.level), next.levels.map((l) => l.clients)]);
    queriesPlot.update([next.queriesPerMinute.map((m) => seconds(m.minute)), next.queriesPerMinute.map((m) => m.queries)]);
    flagsCount.textContent = String(next.flagsLastHour);
    flags.replaceChildren(...next.recentFlags.map((f) => el("tr", {},
      el("td", { text: `${when(f.at)} (${ago(f.at)})` }), el("td", {}, clickable(f.client)), el("td", {}, levelBadge(f.level, f.levelName)))));
    alerts.replaceChildren(...(next.splitAttacks.length === 0
      ? [el("tr", {}, el("td", { colspan: "4", class: "muted", text: "none" }))]
      : next.splitAttacks.map((a) => el("tr", {},
        el("td", { text: when(a.at) }), el("td", { text: a.model }),
        el("td", {}, a.clients.flatMap((c, i) => (i === 0 ? [clickable(c)] : [", ", clickable(c)]))),
        el("td", { text: a.reason })))));
    root.dataset.loaded = String(Date.now());
  }

  async function refresh() {
    try {
      render(await api("/v1/admin/tenant"));
      status.hidden = true;
    } catch (failure) {
      status.textContent = failure.message;
      status.hidden = false;
    }
  }

  render(overview);
  const timer = setInterval(refresh, refreshMs);
  return () => clearInterval(timer);
}
