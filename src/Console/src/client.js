// One client: where its suspicion comes from and what the defense cost it, live; the operator's
// actions (actions.js) and its audit trail (audit.js) below.
import { api, clientPath } from "./api.js";
import { histogramChart, histogramData, seconds, suspicionChart, wChart } from "./charts.js";
import { actionsPanel } from "./actions.js";
import { auditPanel } from "./audit.js";
import { ago, count, el, fixed, levelBadge, percent, when } from "./dom.js";

const refreshMs = 3000;

export function clientView(root, { name, levels, back }) {
  const title = el("h1", { id: "client-name", text: name });
  const badge = el("span", { id: "client-level" });
  const facts = el("dl", { id: "client-facts", class: "facts" });
  const signals = el("dl", { id: "client-signals", class: "facts" });
  const utility = el("dl", { id: "client-utility", class: "facts" });
  const status = el("p", { class: "error", role: "alert", hidden: true });
  const charts = { suspicion: el("div", { id: "chart-suspicion", class: "chart" }), w: el("div", { id: "chart-w", class: "chart" }), histogram: el("div", { id: "chart-histogram", class: "chart" }) };
  const backLink = el("a", { href: "#/clients", id: "back", text: "← all clients" });
  backLink.addEventListener("click", (event) => { event.preventDefault(); back(); });

  const audit = auditPanel(name);
  const actions = actionsPanel(name, levels, (detail) => { render(detail); audit.refresh(); });
  root.replaceChildren(
    el("section", { class: "card" }, backLink, el("div", { class: "toolbar" }, title, badge), facts, status),
    el("section", { class: "card charts" }, charts.suspicion, charts.w, charts.histogram),
    el("div", { class: "columns" },
      el("section", { class: "card" }, el("h2", { text: "Signals" }), signals),
      el("section", { class: "card" }, el("h2", { text: "What the defense cost this client" }), utility)),
    actions.element,
    audit.element);

  const plots = { suspicion: suspicionChart(charts.suspicion), w: wChart(charts.w), histogram: histogramChart(charts.histogram) };

  function render(detail) {
    badge.replaceChildren(levelBadge(detail.level, detail.levelName));
    facts.replaceChildren(...pairs([
      ["Suspicion", fixed(detail.suspicion)],
      ["Flagged since", detail.flaggedSince ? `${when(detail.flaggedSince)} (${ago(detail.flaggedSince)})` : "not flagged"],
      ["Queries", count(detail.queries)],
      ["Last seen", ago(detail.lastSeen)],
      ["Quota", quotaText(detail.quota)],
    ]));
    const prada = detail.signals.prada;
    signals.replaceChildren(...pairs([
      ["PRADA W", prada ? `${fixed(prada.w, 3)} (δ ${fixed(prada.threshold, 2)}, lowest ${fixed(prada.lowestW, 3)})` : "no detector yet"],
      ["PRADA samples", prada ? count(prada.samples) : "—"],
      ["PRADA flagged", prada?.flagged ? "yes" : "no"],
      ["Low-confidence rate", percent(detail.signals.lowConfidenceRate)],
      ["Class coverage", percent(detail.signals.classCoverage)],
      ["Class balance", fixed(detail.signals.classBalance)],
      ["Query rate", `${fixed(detail.signals.queryRate, 1)} / min`],
      ["Split attack", detail.signals.splitAttack ? "raised by the tenant's watch" : "no"],
    ]));
    utility.replaceChildren(...pairs([
      ["Answers", count(detail.utility.answers)],
      ["Argmax kept", percent(detail.utility.argmaxKeptRate)],
      ["Mean L1", fixed(detail.utility.meanL1, 4)],
      ["Mean KL", `${fixed(detail.utility.meanKlNats, 4)} nats`],
    ]));
    const history = detail.history;
    const times = history.map((p) => seconds(p.at));
    plots.suspicion.update([times, history.map((p) => p.suspicion), history.map((p) => p.level)]);
    plots.w.update([times, history.map((p) => p.w ?? 1), history.map(() => prada?.threshold ?? null), history.map((p) => p.lowConfidenceRate ?? 0)]);
    plots.histogram.update(histogramData(prada?.recentDistances ?? []));
    actions.show(detail.override);
    root.dataset.points = String(history.length);
    root.dataset.loaded = String(Date.now());
  }

  async function refresh() {
    try {
      render(await api(clientPath(name)));
      status.hidden = true;
    } catch (failure) {
      status.textContent = failure.message;
      status.hidden = false;
    }
  }

  refresh();
  audit.refresh();
  const timer = setInterval(refresh, refreshMs);
  return () => clearInterval(timer);
}

const pairs = (rows) => rows.flatMap(([term, value]) => [el("dt", { text: term }), el("dd", { text: value })]);

// "1,200 of 100,000 today · 3,400 of 1,000,000 this month, then label_only" (docs/API.md, the detail's quota).
function quotaText(quota) {
  if (!quota) return "none";
  const limits = [];
  if (quota.perDay != null) limits.push(`${count(quota.usedToday)} of ${count(quota.perDay)} today`);
  if (quota.perMonth != null) limits.push(`${count(quota.usedThisMonth)} of ${count(quota.perMonth)} this month`);
  const past = quota.exhaustedUntil ? `past it until ${when(quota.exhaustedUntil)}: ${quota.past}` : `then ${quota.past}`;
  return `${limits.join(" · ")}, ${past}`;
}
