"""lab/results/results.json -> lab/results/report.md + PNG plots."""
from __future__ import annotations

import json
import math
import pathlib
from typing import Optional

PAPERS = """\
### The papers' figures beside ours

| source | claim | how it compares here |
|---|---|---|
| Lee et al. 2018 (reverse sigmoid, arXiv 1806.00054) | ≥ 20% lower stolen accuracy, or up to 64× more queries for the same accuracy, at 1.26 (CIFAR-10) – 3.27 (MNIST) nats per query | our `answerCost.meanKLnats` is KL(y‖ỹ) in nats with ỹ clipped at 1e-12 (docs/ALGORITHMS.md), per query; the multiplier column below is our "more queries" |
| Orekondy et al. 2020 (Prediction Poisoning / MAD, ICLR) | attacker's error up to 85× larger (than without defense) at a modest utility cost | the "error ×" column: (1 − stolen acc) / (1 − undefended stolen acc) at the same budget |
"""


def _fmt(v, digits=3) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def _acc_at(curve: list, budget: int) -> Optional[float]:
    for p in curve:
        if p["budget"] == budget:
            return p["accuracy"]
    return None


def multiplier(defended: list, undefended: list, budget: int) -> Optional[str]:
    """Queries the attacker needs under the defense to match the undefended accuracy at `budget`,
    divided by `budget` (linear interpolation between measured budgets; '>x' if never reached)."""
    target = _acc_at(undefended, budget)
    if target is None or not defended:
        return None
    pts = sorted((p["queries"], p["accuracy"]) for p in defended)
    prev = None
    for q, a in pts:
        if a >= target:
            if prev is None or prev[1] >= a:
                return f"{q / budget:.2g}×"
            q0, a0 = prev
            qq = q0 + (target - a0) / (a - a0) * (q - q0)
            return f"{qq / budget:.2g}×"
        prev = (q, a)
    return f">{pts[-1][0] / budget:.2g}×"


def _last(curve: list, budget: int) -> Optional[float]:
    """Accuracy at the largest measured point not above budget (JBDA's rounds do not land on budgets)."""
    pts = [p for p in curve if p["queries"] <= budget]
    return max(pts, key=lambda p: p["queries"])["accuracy"] if pts else None


def targets(res: dict) -> list:
    """The issue's targets for the adaptive policy at the largest budget, each with its verdict."""
    cfgs, meta = res["configs"], res["meta"]
    top = max(meta["budgets"])
    none, adaptive, label = cfgs.get("none"), cfgs.get("adaptive"), cfgs.get("label_only")
    if not none or not adaptive or none.get("error") or adaptive.get("error"):
        return ["(needs the `none` and `adaptive` configurations)"]
    rows = []

    def row(target: str, measured: str, met: Optional[bool], miss: str = "") -> None:
        verdict = "–" if met is None else ("met" if met else f"**missed**{': ' + miss if miss else ''}")
        rows.append(f"| {target} | {measured} | {verdict} |")

    def acc(cfg: Optional[dict], attack: str) -> Optional[float]:
        r = (cfg or {}).get("attacks", {}).get(attack)
        return _last(r["curve"], top) if r else None

    victim = meta["victimTestAccuracy"]
    soft = acc(none, "knockoff_soft")
    if soft is not None:
        row("undefended Knockoff reaches within a few points of the victim",
            f"{soft:.3f} against the victim's {victim:.3f} ({(victim - soft) * 100:.1f} points)", victim - soft <= 0.05,
            f"{(victim - soft) * 100:.1f} points")
    b = adaptive.get("benign")
    if b:
        agree = b["aggregate"].get("argmaxAgreement")
        row("benign clients keep 100% argmax agreement", f"{agree:.4f}", agree is not None and agree >= 1.0)
        row("0 benign clients flagged", f"{b['falsePositives']}/{b['n']} during their run"
            + (f", {b['flaggedByEnd']}/{b['n']} by the end" if "flaggedByEnd" in b else ""),
            b["falsePositives"] == 0 and b.get("flaggedByEnd", 0) == 0)
    j, jn = adaptive.get("attacks", {}).get("jbda"), acc(none, "jbda")
    ja = _last(j["curve"], top) if j else None
    if ja is not None and jn is not None:
        row(f"JBDA flagged, stolen accuracy ≥ 30 points lower at {top}",
            f"flagged at {_fmt(j.get('flaggedAt'))}; {ja:.3f} against {jn:.3f} ({(jn - ja) * 100:.1f} points lower)",
            j.get("flaggedAt") is not None and jn - ja >= 0.30, f"{(jn - ja) * 100:.1f} points")
    o, on = acc(adaptive, "knockoff_ood"), acc(none, "knockoff_ood")
    if o is not None and on is not None:
        row(f"out-of-distribution Knockoff ≥ 20 points lower at {top}", f"{o:.3f} against {on:.3f} ({(on - o) * 100:.1f} points lower)",
            on - o >= 0.20, f"{(on - o) * 100:.1f} points")
    for attack in ("knockoff_soft", "knockoff_argmax"):
        r, lr = adaptive.get("attacks", {}).get(attack), (label or {}).get("attacks", {}).get("knockoff_soft")
        if r and lr:
            pairs = [(p["budget"], p["accuracy"], _acc_at(lr["curve"], p["budget"])) for p in r["curve"]]
            pairs = [(bud, a, l) for bud, a, l in pairs if l is not None]
            at_top = [(a, l) for bud, a, l in pairs if bud == top]
            row(f"in-distribution Knockoff ({attack.split('_')[1]} labels) no better than the label-only baseline at {top}",
                ", ".join(f"{bud} q: {a:.3f} vs {l:.3f}" for bud, a, l in pairs),
                bool(at_top) and at_top[0][0] <= at_top[0][1],
                f"{(at_top[0][0] - at_top[0][1]) * 100:.1f} points above" if at_top else "not measured")
    sp = adaptive.get("split")
    if sp:
        row("the split attacker (10 keys) caught", f"{sp['keysFlagged']}/{sp['keys']} keys flagged; stolen {_fmt(_last(sp['curve'], top))}",
            sp["keysFlagged"] > 0)
    return ["| target (adaptive policy) | measured | verdict |", "|---|---|---|"] + rows


def plots(res: dict, out: pathlib.Path) -> list:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    files = []
    cfgs = res["configs"]
    attacks = list(res["meta"]["attacks"].keys())
    for a in attacks + ["split"]:
        fig, ax = plt.subplots(figsize=(6.4, 4.2))
        any_line = False
        for name, e in cfgs.items():
            c = (e.get("split") if a == "split" else e.get("attacks", {}).get(a, {})) or {}
            c = c.get("curve") or []
            if not c:
                continue
            ax.plot([p["queries"] for p in c], [p["accuracy"] for p in c], marker="o", label=name)
            any_line = True
        if not any_line:
            plt.close(fig)
            continue
        ax.axhline(res["meta"]["victimTestAccuracy"], color="k", ls="--", lw=0.8, label="victim")
        ax.set_xscale("log")
        ax.set_xlabel("queries (log)")
        ax.set_ylabel("stolen model test accuracy")
        ax.set_title(f"{a}: stolen accuracy vs budget")
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, ncol=2)
        f = out / f"stolen_{a}.png"
        fig.tight_layout()
        fig.savefig(f, dpi=110)
        plt.close(fig)
        files.append(f.name)
    # benign utility
    names = [n for n, e in cfgs.items() if e.get("benign")]
    if names:
        fig, ax = plt.subplots(1, 2, figsize=(9, 3.8))
        acc = [cfgs[n]["benign"]["aggregate"].get("accuracy", 0) for n in names]
        kl = [cfgs[n]["benign"]["aggregate"].get("meanKLnats", 0) for n in names]
        ax[0].bar(names, acc)
        ax[0].set_ylabel("benign accuracy (true labels)")
        ax[0].set_ylim(0, 1)
        ax[1].bar(names, kl, color="tab:orange")
        ax[1].set_ylabel("benign mean KL(y‖ỹ), nats")
        for a_ in ax:
            a_.tick_params(axis="x", rotation=60, labelsize=7)
        fig.tight_layout()
        f = out / "benign_utility.png"
        fig.savefig(f, dpi=110)
        plt.close(fig)
        files.append(f.name)
    return files


def render(res: dict, out: pathlib.Path) -> str:
    meta, cfgs = res["meta"], res["configs"]
    budgets = meta["budgets"]
    L = ["# Mirage attack lab report", ""]
    L.append(f"- oracle: **{meta['oracle']}**; mode {meta['mode']}; seed {meta['seed']}; started {meta['started']}"
             + (f", finished {meta['finished']}" if meta.get("finished") else " (unfinished)"))
    commits = {}
    for name, e in res["configs"].items():
        commits.setdefault(e.get("serviceCommit") or meta.get("serviceCommit") or "unknown", []).append(name)
    for commit, names in commits.items():
        L.append(f"- service measured: commit `{commit}`" + (f" ({', '.join(names)})" if len(commits) > 1 else ""))
    for name, e in res["configs"].items():
        if e.get("serviceSettings"):
            L.append(f"- `{name}` adds service settings `{json.dumps(e['serviceSettings'])}`")
    L.append(f"- victim `fmnist-cnn`: test accuracy {meta['victimTestAccuracy']:.4f} on the first {meta.get('evalImages', 10000)} "
             "Fashion-MNIST test images (stolen models are scored on the same images)")
    L.append(f"- pools: in-distribution {meta['pools']['indist']} images (train 50,000–59,999, unseen by the victim); "
             f"OOD {meta['pools']['ood']}; JBDA seeds {meta['pools']['jbdaSeeds']}")
    L.append(f"- benign: {meta['benignClients']} clients × {meta['benignQueriesPerClient']} queries "
             "(test-split streams, ~3% exact repeats, ~5% near duplicates)")
    if meta.get("skippedConfigs"):
        L.append(f"- skipped (no offline double): {', '.join(meta['skippedConfigs'])}")
    L.append("- attacks: " + "; ".join(f"`{k}` = {v}" for k, v in meta["attacks"].items()))
    L.append("")
    for name, e in cfgs.items():
        if e.get("error"):
            L.append(f"**{name}: error** `{e['error']}`")
            L.append("")
    L.append("## Targets")
    L.append("")
    L.extend(targets(res))
    L.append("")
    from . import adversary_report
    L.extend(adversary_report.section(res, out))
    notes = out / "notes.md"
    if notes.exists():  # the lead's reading of this run: why a target is missed, what the numbers say
        L.append(notes.read_text().strip())
        L.append("")
    base = cfgs.get("none", {})
    for a in list(meta["attacks"].keys()) + ["split"]:
        rows = []
        for name, e in cfgs.items():
            r = e.get("split") if a == "split" else e.get("attacks", {}).get(a)
            if not r or not r.get("curve"):  # heavy users have no copy
                continue
            b = base.get("split") if a == "split" else base.get("attacks", {}).get(a)
            bcurve = (b or {}).get("curve") or []
            accs = []
            for bud in budgets:
                acc = _acc_at(r["curve"], bud)
                ref = _acc_at(bcurve, bud)
                err = f" (err ×{(1 - acc) / (1 - ref):.2g})" if acc is not None and ref is not None and name != "none" and ref < 1 else ""
                accs.append(_fmt(acc) + err)
            mult = multiplier(r["curve"], bcurve, budgets[0]) if bcurve and name != "none" else "–"
            flagged = r.get("firstFlaggedAtTotalQueries") if a == "split" else r.get("flaggedAt")
            extra = (f" ({r['keysFlagged']}/{r['keys']} keys)" if "keysFlagged" in r
                     else f" ({r['keysUsed']} keys)" if "keysUsed" in r else "")
            cost = r.get("answerCost", {})
            rows.append(f"| {name} | " + " | ".join(accs) + f" | {mult} | {_fmt(flagged)}{extra} | {_fmt(r.get('blockedAt'))} | "
                        f"{_fmt(cost.get('meanKLnats'))} | {_fmt(cost.get('meanL1'))} |")
        if not rows:
            continue
        if a == "jbda" or any((e.get("attacks", {}).get(a) or {}).get("curveKind") == "rounds" for e in cfgs.values()):
            L.append(f"## `{a}`: stolen accuracy after each round (queries so far)")
            L.append("")
            for name, e in cfgs.items():
                r = e.get("attacks", {}).get(a)
                if r:
                    keys = (f" ({r['keysFlagged']}/{r['keys']} keys)" if "keysFlagged" in r
                            else f" ({r['keysUsed']} keys)" if "keysUsed" in r else "")
                    L.append(f"- {name}: " + ", ".join(f"{p['queries']} q → {p['accuracy']:.3f}" for p in r["curve"])
                             + f"; flagged at {_fmt(r.get('flaggedAt'))}{keys}, blocked at {_fmt(r.get('blockedAt'))}, "
                             f"answers' KL {_fmt(r['answerCost'].get('meanKLnats'))} nats")
            L.append("")
            continue
        L.append(f"## `{a}`: stolen-model accuracy by budget")
        L.append("")
        L.append(f"| configuration | " + " | ".join(f"{b} q" for b in budgets) +
                 f" | queries to match undefended @{budgets[0]} | flagged at (queries) | blocked at | attacker answers' KL (nats/query) | L1 |")
        L.append("|---|" + "---|" * (len(budgets) + 5))
        L.extend(rows)
        L.append("")
        L.append(f"![{a}](stolen_{a}.png)")
        L.append("")
    L.append("## Benign clients: utility and false positives")
    L.append("")
    L.append("| configuration | accuracy (true labels) | argmax agreement with undefended | mean L1 | mean KL (nats) | flagged | blocked | flagged by the end of the configuration |")
    L.append("|---|---|---|---|---|---|---|---|")
    for name, e in cfgs.items():
        b = e.get("benign")
        if not b:
            continue
        g = b["aggregate"]
        L.append(f"| {name} | {_fmt(g.get('accuracy'))} | {_fmt(g.get('argmaxAgreement'))} | {_fmt(g.get('meanL1'))} | "
                 f"{_fmt(g.get('meanKLnats'))} | {b['falsePositives']}/{b['n']} | {b['falseBlocks']}/{b['n']} | "
                 + (f"{b['flaggedByEnd']}/{b['n']} |" if "flaggedByEnd" in b else "not recorded |"))
    L.append("")
    L.append("![benign](benign_utility.png)")
    L.append("")
    L.append(PAPERS)
    L.append("Notes: `flagged at` is the client's answered-query count at the first operator-API poll "
             "(`GET /v1/admin/clients/{client}`, field `flagged`) that showed it flagged; polls follow every request, "
             "so the resolution is one request (≤ 256 queries for attacks, 8 for benign clients). For the split attacker "
             "it is the first flagged key's own count × number of keys (≈ total queries of the attack at that moment). "
             "Accuracy columns are the surrogate's top-1 accuracy on the 10,000 test images; `err ×` is (1 − acc) / "
             "(1 − undefended acc) at the same budget. Utility is measured against the undefended victim's posteriors "
             "computed locally by the same PyTorch weights that were exported to ONNX.")
    return "\n".join(L) + "\n"


def merge(into: pathlib.Path, other: pathlib.Path) -> None:
    """Copies other's configurations into the results file `into` (same names are replaced). Each entry
    keeps the service commit it was measured on; meta records which configurations came from where."""
    res, add = json.loads(into.read_text()), json.loads(other.read_text())
    fallback = add["meta"].get("serviceCommit")
    for name, entry in add["configs"].items():
        entry.setdefault("serviceCommit", fallback)
        res["configs"][name] = entry
    if add["meta"].get("finished"):
        res["meta"]["finished"] = add["meta"]["finished"]
    res["meta"].setdefault("merged", []).append({"from": str(other), "configs": list(add["configs"]),
                                                 "started": add["meta"].get("started"),
                                                 "finished": add["meta"].get("finished")})
    into.write_text(json.dumps(res, indent=1) + "\n")


def main(results_dir: pathlib.Path) -> pathlib.Path:
    res = json.loads((results_dir / "results.json").read_text())
    plots(res, results_dir)
    text = render(res, results_dir)
    p = results_dir / "report.md"
    p.write_text(text)
    return p
