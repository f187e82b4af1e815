"""The report's issue-14 section: the Done-when comparisons as PASS/MISS lines with their numbers, and
the adversaries' details (keys, pauses, cover keys, heavy users, the distinguisher's AUCs).

Baselines (plain Knockoff, JBDA, out-of-distribution Knockoff, label-only) come from the same results
file when the run measured them, else from other runs' results files put in <results>/baselines/
(e.g. the classic attacks run separately on the same build), else from lab/results/results.json (the
committed report's run); other runs count only if made in the same mode (quick or full). Each line
says which source it used."""
from __future__ import annotations

import json
import pathlib
from typing import Optional

from . import RESULTS_DIR
from .adversaries import ADVERSARIES

DISTINGUISHER_AUC_TARGET = 0.6


def _acc(curve: list, budget: int) -> Optional[float]:
    return next((p["accuracy"] for p in curve or [] if p["budget"] == budget), None)


def _final(curve: list) -> Optional[float]:
    return max(curve, key=lambda p: p["queries"])["accuracy"] if curve else None


def _pct(v: Optional[float]) -> str:
    return "–" if v is None else f"{v:.3f}"


class Baselines:
    def __init__(self, res: dict, results_dir: pathlib.Path) -> None:
        self.res = res
        mine = (results_dir / "results.json").resolve()
        paths = sorted((results_dir / "baselines").glob("*.json")) + [RESULTS_DIR / "results.json"]
        self.others = []   # (label, results), in the order they are consulted
        for p in paths:
            if not p.exists() or p.resolve() == mine:
                continue
            other = json.loads(p.read_text())
            if other["meta"].get("mode") == res["meta"].get("mode"):   # a quick run is no baseline for a full one
                label = p.name if p.parent.name == "baselines" else "lab/results/results.json"
                self.others.append((label, other))

    def get(self, config: str, attack: str) -> tuple[Optional[dict], str]:
        r = self.res["configs"].get(config, {}).get("attacks", {}).get(attack)
        if r:
            return r, "this run"
        for label, other in self.others:
            e = other["configs"].get(config, {})
            r = e.get("attacks", {}).get(attack)
            if r:
                commit = (e.get("serviceCommit") or other["meta"].get("serviceCommit") or "?")[:7]
                return r, f"{label}, service {commit}"
        return None, "not measured"


def _verdict(ok: Optional[bool]) -> str:
    return "–" if ok is None else ("PASS" if ok else "**MISS**")


def checks(res: dict, results_dir: pathlib.Path) -> list:
    base = Baselines(res, results_dir)
    rows = []

    def row(cfg, what, measured, ok):
        rows.append(f"| {cfg} | {what} | {measured} | {_verdict(ok)} |")

    for cfg, e in res["configs"].items():
        at = e.get("attacks", {})
        if not any(a in ADVERSARIES for a in at):
            continue
        plain, src = base.get(cfg, "knockoff_soft")
        for a in ("knockoff_sorted", "knockoff_blend", "knockoff_pause"):
            r = at.get(a)
            if not r or not plain:
                continue
            pf, f = plain.get("flaggedAt"), r.get("flaggedAt")
            ok = f is not None and (pf is None or f <= 1.2 * pf)
            row(cfg, f"`{a}` flagged ≤ 1.2× plain Knockoff's queries",
                f"{f} vs {pf} (limit {None if pf is None else round(1.2 * pf)}; plain: {src})", ok)
            pairs = [(p["budget"], p["accuracy"], _acc(plain["curve"], p["budget"])) for p in r["curve"]]
            pairs = [(b, x, y) for b, x, y in pairs if y is not None]
            row(cfg, f"`{a}` copy ≤ plain Knockoff's at every budget",
                ", ".join(f"{b}: {x:.3f} vs {y:.3f}" for b, x, y in pairs) or "no common budget",
                bool(pairs) and all(x <= y for _, x, y in pairs))
        r = at.get("knockoff_multikey")
        if r:
            ref = _acc(plain["curve"], 10_000) if plain else None
            row(cfg, "`knockoff_multikey` (3 keys × 3,000): keys flagged; copy on all answers",
                f"{r['keysFlagged']}/{r['keys']} keys (flagged at {r['flaggedAtPerKey']}); copy {_pct(_final(r['curve']))} "
                f"at {r['queries']} vs plain {_pct(ref)} at 10,000", None)
        for a, ref_name in (("decoding_jbda", "jbda"), ("decoding_ood", "knockoff_ood")):
            r = at.get(a)
            ref, src = base.get(cfg, ref_name)
            if not r or not ref:
                continue
            x, y = _final(r["curve"]), _final(ref["curve"])
            row(cfg, f"`{a}` no better than `{ref_name}` (within 2 points)",
                f"{_pct(x)} vs {_pct(y)} ({(x - y) * 100:+.1f} points; {r['keysUsed']} keys, "
                f"{r['answersDiscarded']} answers dropped; {ref_name}: {src})",
                x is not None and y is not None and x <= y + 0.02)
        r = at.get("split_jbda_cover")
        if r:
            # Caught: most of the attack's keys raised by the end (during their own queries or by the watch
            # after them), and no cover key. Older results lack the raised counts: flagged is all they have.
            raised, cover_raised = r.get("keysRaised", r["keysFlagged"]), r.get("coverKeysRaised", r["coverKeysFlagged"])
            row(cfg, "split JBDA under cover caught (at least half its keys raised, no cover key)",
                f"{raised}/{r['keys']} JBDA keys raised ({r['keysFlagged']} during their own queries), "
                f"{cover_raised}/{len(r['coverKeys'])} cover keys",
                2 * raised >= r["keys"] and cover_raised == 0)
        for a in ("heavy_fast", "heavy_slow"):
            r = at.get(a)
            if r:
                row(cfg, f"`{a}` ({r['queries']} queries): 100% labels kept, never at a label-changing level",
                    f"labels {_pct(r['labelsCorrect'])}; levels seen {list(r['levelsSeen'])}; flagged at {r['flaggedAt']}",
                    r["labelsCorrect"] == 1.0 and not r["everLabelChanging"])
        tw = e.get("tenantWatch")
        if tw:
            row(cfg, "0 benign keys raised through the tenant watch (benign, cover, heavy)",
                f"{len(tw['raised'])}/{tw['checked']} raised" + (f": {', '.join(tw['raised'])}" if tw["raised"] else ""),
                not tw["raised"])
        soft, src = base.get(cfg, "knockoff_soft")
        label, lsrc = base.get("label_only", "knockoff_soft")
        if soft and label and cfg != "label_only":
            pairs = [(p["budget"], p["accuracy"], _acc(label["curve"], p["budget"])) for p in soft["curve"]]
            pairs = [(b, x, y) for b, x, y in pairs if y is not None]
            row(cfg, "soft Knockoff ≤ label-only baseline at every budget",
                ", ".join(f"{b}: {x:.3f} vs {y:.3f}" for b, x, y in pairs) + f" (soft: {src}; label-only: {lsrc})",
                bool(pairs) and all(x <= y for _, x, y in pairs))
    rows += distinguisher_rows()
    return ["| configuration | check | measured | verdict |", "|---|---|---|---|"] + rows


def distinguisher_rows() -> list:
    rows = []
    for p in sorted((RESULTS_DIR / "distinguisher").glob("*.json")):
        d = json.loads(p.read_text())
        for lv in d["levels"]:
            single = max(lv["logistic"]["single"], lv["boosting"]["single"])
            batch = max(lv["logistic"]["batch64"], lv["boosting"]["batch64"])
            rows.append(f"| distinguisher `{d['label']}` ({d['commit'][:7]}) | level {lv['level']} {lv['name']}: "
                        f"single-answer and batch-64 AUC ≤ {DISTINGUISHER_AUC_TARGET} | single {single:.3f}, batch-64 {batch:.3f} "
                        f"(higher of logistic and boosting) | {_verdict(single <= DISTINGUISHER_AUC_TARGET and batch <= DISTINGUISHER_AUC_TARGET)} |")
    return rows


def details(res: dict) -> list:
    L = []
    for cfg, e in res["configs"].items():
        at = e.get("attacks", {})
        if not any(a in ADVERSARIES for a in at):
            continue
        L.append(f"### `{cfg}`: the adversaries' details")
        L.append("")
        r = at.get("knockoff_sorted")
        if r:
            L.append(f"- `knockoff_sorted`: warm-up {r['warmup']} random-order queries; the rest sorted by "
                     f"{r['sortedBy']}; its sort agreed with the victim's argmax on {_pct(r.get('sortAgreesWithVictim'))}; "
                     f"blocks {r.get('blockSizes')}")
        r = at.get("knockoff_pause")
        if r:
            L.append(f"- `knockoff_pause`: bursts of {r['burst']}, pause {r['pauseSeconds']:.0f} s; service idle age "
                     f"{r['idleAgeSeconds']} s, collection quantum {r['collectionQuantumSeconds']} s ({r['service']}); "
                     f"levels first seen {r['levelsSeen']}")
        for a in ("decoding_jbda", "decoding_ood"):
            r = at.get(a)
            if r:
                keys = "; ".join(f"{k['client']}: {k.get('answered')} answered, flagged at {k.get('flaggedAt')}, "
                                 f"dropped: {k['droppedBecause'] or '–'}" for k in r["keys"][:12])
                L.append(f"- `{a}`: {r['keysUsed']} keys, {r['answersKept']} answers kept of {r['answersSent']} sent "
                         f"({r['answersDiscarded']} dropped as perturbed-looking; reasons {r['reasons']}"
                         f"{'; ran out of fresh keys' if r['outOfFreshKeys'] else ''}). Keys: {keys}")
        r = at.get("split_jbda_cover")
        if r:
            jb = ", ".join(f"{k['client']} {k['flaggedAt']}{' (splitAttack)' if k.get('splitAttack') else ''}" for k in r["jbdaKeys"])
            cv = ", ".join(f"{k['client']} {k['flaggedAt']} (argmax kept {_pct(k.get('argmaxAgreement'))}"
                           f"{', splitAttack' if k.get('splitAttack') else ''})" for k in r["coverKeys"])
            alerts = "; ".join(f"{a.get('reason')} ({len(a.get('clients', []))} keys)" for a in r.get("splitAttackAlerts") or [])
            L.append(f"- `split_jbda_cover`: flagged at (own queries) per JBDA key: {jb}. Cover keys: {cv}. "
                     f"Tenant watch alerts: {alerts or 'none'}")
        for a in ("heavy_fast", "heavy_slow"):
            r = at.get(a)
            if r:
                L.append(f"- `{a}`: {r['queries']} queries in {r['seconds']} s ({r['queriesPerSecond']}/s, throttled "
                         f"{r['throttledSeconds']} s; clock not driven: sent as fast as the rate limit allows); labels kept "
                         f"{_pct(r['labelsCorrect'])}; levels first seen at {r['levelsSeen']}; flagged at {r['flaggedAt']}")
        L.append("")
    return L


def section(res: dict, results_dir: pathlib.Path) -> list:
    if not any(a in ADVERSARIES for e in res["configs"].values() for a in e.get("attacks", {})):
        return []
    L = ["## Issue 14: the adaptive adversaries and honest heavy users", "",
         "Done-when comparisons (`adversary_report.py`). Stolen accuracies are single runs (one seed); "
         "differences under about a point are within training noise.", ""]
    return L + checks(res, results_dir) + [""] + details(res)
