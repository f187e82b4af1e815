"""Entry point: `python3 -m mirage_lab [--quick] [--offline] ...` (run from lab/, or use lab/run.sh)."""
from __future__ import annotations

import argparse
import json
import pathlib
import sys

from . import LAB_DIR, RESULTS_DIR, set_threads


def main(argv=None) -> int:
    from .runner import ALL_ATTACKS, ALL_CONFIGS, ATTACKS, DEFAULT_CONFIGS, EXTRA_CONFIGS, SERVICE_SETTINGS, Lab, Settings, default_settings
    from . import report
    ap = argparse.ArgumentParser(prog="mirage_lab", description="Mirage attack lab")
    ap.add_argument("--quick", action="store_true", help="tiny budgets, one training epoch")
    ap.add_argument("--offline", action="store_true",
                    help="local PyTorch oracle with local defense doubles instead of the service (harness test)")
    ap.add_argument("--config", default=str(LAB_DIR / "lab.json"),
                    help="lab config: service command, keys, per-configuration service config files")
    ap.add_argument("--configs", help="comma-separated configuration names (default: all in the lab config, "
                                      f"else {','.join(DEFAULT_CONFIGS)})")
    ap.add_argument("--attacks", default=",".join(ATTACKS),
                    help=f"comma-separated of {','.join(ALL_ATTACKS)}; 'adversaries' = all issue-14 adversaries "
                         f"(default: {','.join(ATTACKS)})")
    ap.add_argument("--adversaries", action="store_true",
                    help="run the issue-14 adversaries (same as --attacks adversaries; with --attacks, added to them)")
    ap.add_argument("--budgets", help="comma-separated query budgets")
    ap.add_argument("--benign-clients", type=int)
    ap.add_argument("--benign-queries", type=int)
    ap.add_argument("--no-split", action="store_true", help="skip the split (10-key) attacker")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", help="results folder (default lab/results, or lab/results/offline with --offline)")
    ap.add_argument("--report-only", action="store_true", help="re-render report.md from results.json")
    ap.add_argument("--distinguisher", action="store_true",
                    help="pin one client at every level of its ladder in turn and measure how well a classifier "
                         "tells each level's answers from clean ones (lab/results/distinguisher/)")
    ap.add_argument("--label", default="run", help="--distinguisher: name of this run in the report (e.g. before, after)")
    ap.add_argument("--images", type=int, default=10_000, help="--distinguisher: test images sent at every level")
    ap.add_argument("--levels", type=int, help="--distinguisher: levels to pin (default: until the ladder ends)")
    ap.add_argument("--port", type=int, default=5790, help="--distinguisher: port of the service it starts")
    ap.add_argument("--url", help="--distinguisher: use a running service instead of starting one")
    ap.add_argument("--service-commit", help="--distinguisher with --url: the commit that service was built from "
                                             "(default: this work tree's)")
    ap.add_argument("--service-config", help="--distinguisher: service configuration (default config/demo.json)")
    ap.add_argument("--operator-key", default="demo-operator", help="--distinguisher: operator key")
    ap.add_argument("--client-key", default="demo-client-1", help="--distinguisher: key of the client it pins")
    ap.add_argument("--client", default="demo-client-1", help="--distinguisher: that key's client name")
    ap.add_argument("--merge", metavar="RESULTS_JSON",
                    help="take the configurations of another run's results.json into this one's (replacing "
                         "those of the same name; each keeps its own service commit) and re-render the report")
    a = ap.parse_args(argv)
    if a.distinguisher:
        from . import distinguisher
        distinguisher.run(a.label, a.images, a.seed, a.service_config, a.port, a.operator_key, a.client_key,
                          a.client, a.levels, a.url, a.service_commit)
        print(distinguisher.report("bash lab/run.sh --distinguisher --label LABEL"))
        return 0
    out = pathlib.Path(a.out) if a.out else (RESULTS_DIR / "offline" if a.offline else RESULTS_DIR)
    if a.merge:
        report.merge(out / "results.json", pathlib.Path(a.merge))
        print(report.main(out))
        return 0
    if a.report_only:
        print(report.main(out))
        return 0
    set_threads()
    cfg_path = pathlib.Path(a.config)
    lab_config = json.loads(cfg_path.read_text()) if cfg_path.exists() else {}
    d = default_settings(a.quick)
    if not a.offline and not lab_config:
        # no lab/lab.json: generate the service configurations and throwaway keys for this run
        from .service_configs import generate
        lab_config = generate(out / "configs", dict(ALL_CONFIGS), SERVICE_SETTINGS)
        print(f"no {cfg_path}: generated service configurations in {out / 'configs'}", file=sys.stderr)
    names = a.configs.split(",") if a.configs else [c for c in (lab_config.get("configs") or DEFAULT_CONFIGS) if c not in EXTRA_CONFIGS]
    s = Settings(quick=a.quick, offline=a.offline,
                 budgets=[int(b) for b in a.budgets.split(",")] if a.budgets else d["budgets"],
                 configs=names, attacks=_attack_list(a, ATTACKS),
                 benign_clients=a.benign_clients if a.benign_clients is not None else d["benign_clients"],
                 benign_queries=a.benign_queries or d["benign_queries"], split_keys=d["split_keys"],
                 split=not a.no_split, seed=a.seed, eval_n=d["eval_n"], lab_config=lab_config, out=out)
    unknown = [x for x in s.attacks if x not in ALL_ATTACKS]
    if unknown:
        ap.error(f"unknown attacks {unknown}")
    Lab(s).run()
    print(report.main(out))
    return 0


def _attack_list(a, default: dict) -> list:
    """--attacks with the alias 'adversaries' expanded; --adversaries alone replaces the default set."""
    from .adversaries import ADVERSARIES
    names = [x for x in a.attacks.split(",") if x]
    if a.adversaries:
        names = (names if a.attacks != ",".join(default) else []) + ["adversaries"]
    out = []
    for x in names:
        for y in (ADVERSARIES if x == "adversaries" else [x]):
            if y not in out:
                out.append(y)
    return out


if __name__ == "__main__":
    sys.exit(main())
