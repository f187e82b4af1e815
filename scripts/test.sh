#!/usr/bin/env bash
# Installs everything the tests need (Azurite, nginx, the lab's Python packages; NuGet brings ONNX Runtime),
# then runs every test project and the lab's smoke test. Idempotent; needs root for apt.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

bash scripts/setup.sh
bash lab/setup.sh
# The storage tests use a real Azurite (npm, into .tools/azurite); their fixtures start it too (on its
# own ports), this installs it.
bash scripts/azurite.sh start 10310 >/dev/null
trap 'bash scripts/azurite.sh stop 10310 >/dev/null 2>&1 || true' EXIT

results=$(mktemp -d)
status=0
dotnet build Orleans.sln -c Release --nologo -v quiet -clp:ErrorsOnly
for project in tests/*/*.csproj; do
  name=$(basename "$project" .csproj)
  echo "== $name"
  if ! dotnet test "$project" -c Release --no-build --nologo \
      --logger "trx;LogFileName=$results/$name.trx" --logger "console;verbosity=minimal"; then
    status=1
  fi
done

# The cluster's tests on one local cluster (3 silos on Azurite behind nginx): an attack split across the
# silos caught by the one tenant grain, then kill -9 of the busiest silo under load and its restart.
echo "== cluster (split across silos, failover)"
cluster_log=$(mktemp)
bash scripts/cluster-tests.sh >"$cluster_log" 2>&1 || status=1
grep -E '^requests that failed|^failover test|^split-across-silos test' "$cluster_log" || true
split_passed=0; failover_passed=0
grep -q '^split-across-silos test: passed' "$cluster_log" && split_passed=1
grep -q '^failover test: passed' "$cluster_log" && failover_passed=1
if [ $split_passed = 0 ] || [ $failover_passed = 0 ]; then tail -n 40 "$cluster_log"; status=1; fi

# The attack lab's smoke test: tiny budgets, one epoch, against the real service on its own ports.
echo "== lab --quick"
lab_out=$(mktemp -d)
if bash lab/run.sh --quick --configs none,adaptive --out "$lab_out" >"$lab_out/lab.log" 2>&1 && [ -s "$lab_out/results.json" ]; then
  echo "lab smoke test: passed ($lab_out/report.md)"
  lab_passed=1
else
  tail -n 30 "$lab_out/lab.log"
  echo "lab smoke test: FAILED"
  lab_passed=0
  status=1
fi

# One closing line over every project: "N passed, N failed".
python3 - "$results" "$lab_passed" "$split_passed" "$failover_passed" <<'PY'
import glob, re, sys
passed = failed = skipped = 0
for path in glob.glob(sys.argv[1] + "/*.trx"):
    text = open(path, encoding="utf-8").read()
    m = re.search(r'<Counters [^>]*>', text)
    if m:
        attrs = dict(re.findall(r'(\w+)="(\d+)"', m.group(0)))
        passed += int(attrs.get("passed", 0))
        failed += int(attrs.get("failed", 0)) + int(attrs.get("error", 0)) + int(attrs.get("timeout", 0))
        skipped += int(attrs.get("notExecuted", 0))
for script_passed in sys.argv[2:]:  # the lab's smoke test and each cluster test count as one test each
    if script_passed == "1":
        passed += 1
    else:
        failed += 1
print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
PY
exit $status
