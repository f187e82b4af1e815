"""Starting and stopping the Mirage service for one configuration.

### LEAD: this is the one place that knows how the service is started. ###
Adjust SERVICE_COMMAND if scripts/run.sh changes; configuration files (one per defense configuration)
are referenced from lab/lab.json ("configs": {name: {"serviceConfig": path}}).
"""
from __future__ import annotations

import contextlib
import os
import pathlib
import shlex
import signal
import subprocess
import time
import urllib.error
import urllib.request

from . import REPO_DIR, RESULTS_DIR

SERVICE_COMMAND = "bash scripts/run.sh --urls http://127.0.0.1:{port} --config {config}"
READY_TIMEOUT_S = 180.0


def _ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as r:
            return r.status == 200
    except (urllib.error.URLError, OSError):
        return False


@contextlib.contextmanager
def start_service(config_path: str, port: int, command: str = SERVICE_COMMAND,
                  ready_timeout: float = READY_TIMEOUT_S, log_dir=None):
    """Run the service (from the repository root) for one configuration on 127.0.0.1:port, wait until
    GET /readyz answers 200, yield the base URL, and stop it afterwards (SIGTERM to its process group,
    SIGKILL after 15 s). The service's output goes to <log_dir or lab/results/logs>/service-<port>.log."""
    if _ready(port):
        raise RuntimeError(f"something already answers on port {port}; pick another port")
    logs = pathlib.Path(log_dir) if log_dir else RESULTS_DIR / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    log_path = logs / f"service-{port}.log"
    cmd = command.format(port=port, config=shlex.quote(str(config_path)))
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(["bash", "-c", cmd], cwd=str(REPO_DIR), stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        deadline = time.time() + ready_timeout
        while not _ready(port):
            if proc.poll() is not None:
                raise RuntimeError(f"service exited with {proc.returncode} before ready; see {log_path}")
            if time.time() > deadline:
                raise RuntimeError(f"service not ready after {ready_timeout:.0f} s; see {log_path}")
            time.sleep(0.5)
        yield f"http://127.0.0.1:{port}"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
