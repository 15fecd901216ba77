"""wrk runs and the A B A B interleaving of a page with its limit."""

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


@dataclass
class PairResult:
    pages: list
    limits: list

    @property
    def ratios(self):
        # A limit run that completed nothing (a stalled machine) gives no ratio, not a crash.
        return [p.rps / lim.rps for p, lim in zip(self.pages, self.limits, strict=True) if lim.rps > 0] or [
            float("nan")
        ]

    def summary(self):
        ratios = self.ratios
        return {
            "rps": statistics.median(p.rps for p in self.pages),
            "p50_ms": statistics.median(p.p50_ms for p in self.pages),
            "p99_ms": statistics.median(p.p99_ms for p in self.pages),
            "limit_rps": statistics.median(lim.rps for lim in self.limits),
            "ratio": statistics.median(ratios),
            "ratio_min": min(ratios),
            "ratio_max": max(ratios),
            "errors": sum(p.errors for p in self.pages) + sum(lim.errors for lim in self.limits),
        }


def interleave(page_url, limit_url, *, pairs, duration, connections, headers=()):
    """Warm both up, then page, limit, page, limit…: drift on the machine hits both alike."""
    wrk(page_url, duration="1s", connections=connections, headers=headers)
    wrk(limit_url, duration="1s", connections=connections)
    result = PairResult([], [])
    for _ in range(pairs):
        result.pages.append(wrk(page_url, duration=duration, connections=connections, headers=headers))
        result.limits.append(wrk(limit_url, duration=duration, connections=connections))
    return result
