"""wrk runs, and a page interleaved with the references it is compared with."""

import re
import shutil
import statistics
import subprocess
from dataclasses import dataclass, field

WRK = shutil.which("wrk") or "/usr/bin/wrk"
ACCEPT = "Accept-Encoding: gzip, br"
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass
class Run:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    raw: str = field(repr=False, default="")


def wrk(url, *, duration, connections, headers=()):
    """One wrk run (one thread: the load generator shares the server's two cores)."""
    command = [WRK, "-t1", f"-c{connections}", f"-d{duration}", "--latency", "--timeout=10s", "-H", ACCEPT]
    for header in headers:
        command += ["-H", header]
    command.append(url)
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return parse(out)


def parse(out):
    def latency(pct):
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)
        return float(m.group(1)) * UNITS[m.group(2)] if m else float("nan")

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors += int(non2xx.group(1)) if non2xx else 0
    return Run(rps, latency(50), latency(99), requests, errors, out)


def summary(runs):
    """Median requests/s and latencies of a target's runs, and every error they met."""
    return {
        "rps": statistics.median(r.rps for r in runs),
        "p50_ms": statistics.median(r.p50_ms for r in runs),
        "p99_ms": statistics.median(r.p99_ms for r in runs),
        "errors": sum(r.errors for r in runs),
    }


def ratios(runs, reference_runs):
    """Run by run, requests/s of ``runs`` over those of ``reference_runs`` measured beside them.

    A reference run that completed nothing (a stalled machine) gives no ratio, not a crash.
    """
    return [r.rps / ref.rps for r, ref in zip(runs, reference_runs, strict=True) if ref.rps > 0]


def ratio_summary(runs, reference_runs):
    """The median of the pairwise ratios with their range; NaN when there is none."""
    values = ratios(runs, reference_runs) or [float("nan")]
    return {"ratio": statistics.median(values), "ratio_min": min(values), "ratio_max": max(values)}


@dataclass(frozen=True)
class Target:
    """One address wrk loads, with the headers (cookies) it sends."""

    url: str
    headers: tuple = ()


def interleave(targets, *, pairs, duration, connections):
    """Warm each target up, then load them in turn, ``pairs`` rounds: A B C A B C…

    ``targets`` maps a role ("page", "limit", "bare"…) to a Target; returns role → runs, the
    n-th run of every role measured in the same round, so drift on the machine hits all alike.
    """
    for target in targets.values():
        wrk(target.url, duration="1s", connections=connections, headers=target.headers)
    runs = {role: [] for role in targets}
    for _ in range(pairs):
        for role, target in targets.items():
            run = wrk(target.url, duration=duration, connections=connections, headers=target.headers)
            runs[role].append(run)
    return runs
