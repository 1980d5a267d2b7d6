#!/usr/bin/env python3
"""Measure aws-sts-blocking side by side with aws-sdk-sts and boto3, and print the table.

Usage: benches/compare/run [--profile release|size] [--runs R] [--reuse-builds] [--json FILE]

Three programs do the same job: read static credentials from the environment, call
GetCallerIdentity N times and print the account. They are this crate (`ours/`), aws-sdk-sts
with aws-config on a current-thread tokio runtime (`sdk/`), and boto3 (`boto3_caller.py`).
The script

  1. uses the test harness's venv with moto[server]==5.2.5 (which brings boto3), or creates
     `target/moto-venv` with it on the first run;
  2. builds each Rust program in release from a clean target directory and times the build,
     including `floor/`, which only sends one POST with ureq and rustls, the transport the
     crate requires. Its size, build time and dependencies are about the lowest any client
     built on that transport can reach;
  3. starts moto_server and the keep-alive canned responder (`responder/`) on 127.0.0.1;
  4. measures stripped size, dependency count, callgrind instruction counts, wall time and
     peak RSS, and prints a Markdown table with the ratios ours/SDK and ours/boto3, then a
     second one that compares `floor/` with the SDK.

Every network request goes to 127.0.0.1. The clients get static dummy credentials, an empty
HOME, empty AWS config and credentials files and AWS_EC2_METADATA_DISABLED=true, so none of
them reads ~/.aws or queries the instance metadata service.

Needs python3 (3.11 or later) with venv support, cargo, valgrind and GNU time, and reaches
crates.io and PyPI on the first run.
"""

import argparse
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET = HERE / "target"
REPOSITORY = HERE.parent.parent
VENV = TARGET / "moto-venv"
# The test harness builds a venv with this requirement at <cargo target dir>/moto-venv and
# writes the requirement into this marker file last. A complete venv of the harness is used
# as it is, and the venv this script builds follows the same layout.
MOTO_REQUIREMENT = "moto[server]==5.2.5"
VENV_MARKER = "harness-ready"

ACCOUNT = "123456789012"  # the account moto and the responder report
REGION = "us-east-1"
# Extra calls in the callgrind runs: instructions per additional call are
# (instructions for 1 + EXTRA_CALLS calls - instructions for 1 call) / EXTRA_CALLS.
EXTRA_CALLS = 100
SERVER_START_TIMEOUT = 60.0
# GNU time, for peak RSS: a child forked from this Python process would report the
# parent's larger RSS from before exec as its own peak.
TIME = "/usr/bin/time"

RUST_PROGRAMS = {
    "ours": {"package": "sts-bench-ours"},
    "sdk": {"package": "sts-bench-sdk"},
    # Only ureq with rustls, the transport the crate requires: a lower bound for the size,
    # build time and dependency rows, reported in a table of its own.
    "floor": {"package": "sts-bench-floor"},
}
PROGRAMS = ["ours", "sdk", "boto3"]
LABELS = {"ours": "aws-sts-blocking", "sdk": "aws-sdk-sts", "boto3": "boto3"}

# The project's targets, as the largest allowed ratio ours/SDK. The dependency target is an
# absolute count.
TARGETS = {
    "size": 1 / 7,
    "build": 1 / 5,
    "instructions_first": 1 / 20,
    "instructions_per_call": 1 / 3,
    "rss": 1 / 3,
}
MAX_DEPENDENCIES = 80


def log(message):
    print(f"run: {message}", file=sys.stderr, flush=True)


def run_checked(command, **kwargs):
    """Run a command, raising with its output when it fails."""
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise SystemExit(
            f"run: {' '.join(map(str, command))} failed with exit code {result.returncode}\n"
            f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        )
    return result.stdout


# ---------------------------------------------------------------------------------------
# Set-up: tools, venv, builds


def check_tools():
    """Make sure cargo, valgrind and GNU time are there, installing the Debian packages of
    the last two when running as root."""
    if shutil.which("cargo") is None:
        raise SystemExit("run: cargo not found. Install Rust with rustup.")
    packages = []
    if shutil.which("valgrind") is None:
        packages.append("valgrind")
    if not Path(TIME).exists():
        packages.append("time")
    if not packages:
        return
    if os.geteuid() != 0:
        raise SystemExit(f"run: {', '.join(packages)} not found. Install with "
                         f"`sudo apt-get install {' '.join(packages)}`.")
    log(f"installing {', '.join(packages)}")
    run_checked(["apt-get", "update", "-qq"])
    run_checked(["apt-get", "install", "-y", "-qq", *packages],
                env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))


def complete_venv(venv):
    marker = venv / VENV_MARKER
    python = venv / "bin" / "python"
    return python.exists() and marker.exists() and marker.read_text() == MOTO_REQUIREMENT


def ensure_venv():
    """Return the Python of a venv with moto (and so boto3): the test harness's when it is
    complete, else target/moto-venv, which is created on first use."""
    harness_targets = [REPOSITORY / "target"]
    if os.environ.get("CARGO_TARGET_DIR"):
        harness_targets.insert(0, REPOSITORY / os.environ["CARGO_TARGET_DIR"])
    for venv in [*(target / "moto-venv" for target in harness_targets), VENV]:
        if complete_venv(venv):
            return venv / "bin" / "python"

    log(f"installing {MOTO_REQUIREMENT} from PyPI into {VENV}")
    if VENV.exists():
        shutil.rmtree(VENV)
    TARGET.mkdir(parents=True, exist_ok=True)
    python = VENV / "bin" / "python"
    run_checked([sys.executable, "-m", "venv", str(VENV)])
    run_checked(
        [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         MOTO_REQUIREMENT]
    )
    # Written last, so a venv whose installation was interrupted is built again.
    (VENV / VENV_MARKER).write_text(MOTO_REQUIREMENT)
    return python


def profile_dir(profile):
    return "release" if profile == "release" else profile


def build_clean(name, profile):
    """Build one program from an empty target directory and return (binary, seconds)."""
    target_dir = TARGET / f"clean-{name}"
    if target_dir.exists():
        shutil.rmtree(target_dir)
    package = RUST_PROGRAMS[name]["package"]
    log(f"clean {profile} build of {package}")
    started = time.perf_counter()
    run_checked(
        ["cargo", "build", "--offline", "--profile", profile, "-p", package,
         "--target-dir", str(target_dir)],
        cwd=HERE,
    )
    seconds = time.perf_counter() - started
    return target_dir / profile_dir(profile) / package, seconds


def build_programs(profile, reuse):
    """Return {name: {"binary": Path, "build_seconds": float, "build_reused": bool}} for the
    Rust programs, and the responder's binary."""
    # Not --locked: when the crate gains a dependency, cargo adds it to Cargo.lock here and
    # keeps every version already pinned, the SDK's included.
    run_checked(["cargo", "fetch"], cwd=HERE)
    cache = TARGET / f"build-times-{profile}.json"
    previous = json.loads(cache.read_text()) if cache.exists() else {}
    builds = {}
    for name, program in RUST_PROGRAMS.items():
        binary = TARGET / f"clean-{name}" / profile_dir(profile) / program["package"]
        if reuse and binary.exists() and name in previous:
            log(f"reusing {binary} and its build time from the earlier run")
            builds[name] = {"binary": binary, "build_seconds": previous[name],
                            "build_reused": True}
            continue
        binary, seconds = build_clean(name, profile)
        builds[name] = {"binary": binary, "build_seconds": seconds, "build_reused": False}
        previous[name] = seconds
        cache.write_text(json.dumps(previous))

    log("building the responder")
    run_checked(["cargo", "build", "--offline", "--release",
                 "-p", "sts-bench-responder", "--target-dir", str(TARGET)], cwd=HERE)
    builds["responder"] = {"binary": TARGET / "release" / "sts-bench-responder"}
    return builds


def dependency_count(package):
    """Count the unique crates (name and version) that `cargo tree -e normal` lists for the
    package, without the package itself."""
    output = run_checked(
        ["cargo", "tree", "--offline", "-e", "normal", "--prefix", "none",
         "-p", package],
        cwd=HERE,
    )
    crates = {line.replace(" (*)", "").strip() for line in output.splitlines() if line.strip()}
    crates = {crate for crate in crates if not crate.startswith(package + " ")}
    return len(crates)


PYTHON_CLOSURE = r"""
import importlib.metadata as metadata, json, re, sys
from pathlib import Path

def closure(root):
    seen, stack = {}, [root]
    while stack:
        name = re.split(r"[\s;<>=!~\[(]", stack.pop(), maxsplit=1)[0].lower().replace("_", "-")
        if name in seen:
            continue
        dist = metadata.distribution(name)
        seen[name] = dist
        for requirement in dist.requires or []:
            if "extra ==" in requirement:
                continue
            stack.append(requirement)
    return seen

dists = closure(sys.argv[1])
size = 0
for dist in dists.values():
    for file in dist.files or []:
        path = Path(dist.locate_file(file))
        if path.is_file():
            size += path.stat().st_size
print(json.dumps({
    "count": len(dists) - 1,
    "size": size,
    "versions": {name: dist.version for name, dist in sorted(dists.items())},
}))
"""


def boto3_footprint(python):
    """Return the installed size and dependency count of boto3's package closure."""
    return json.loads(run_checked([python, "-c", PYTHON_CLOSURE, "boto3"]))


# ---------------------------------------------------------------------------------------
# Servers


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, process, what):
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"run: {what} exited with code {process.returncode} at start-up")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"run: {what} did not accept connections within {SERVER_START_TIMEOUT} s")


def start_moto(python, logs):
    """Start moto_server without signature checks (every client signs with dummy keys)."""
    port = free_port()
    log_file = open(logs / "moto.log", "w")
    process = subprocess.Popen(
        [Path(python).parent / "moto_server", "-H", "127.0.0.1", "-p", str(port)],
        stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT,
        env={"PATH": os.environ.get("PATH", ""), "HOME": str(logs)},
    )
    wait_for_port(port, process, "moto_server")
    return process, f"http://127.0.0.1:{port}"


def start_responder(binary, logs):
    """Start the keep-alive responder, which exits when its standard input is closed."""
    process = subprocess.Popen(
        [binary], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=open(logs / "responder.log", "w"), text=True,
    )
    line = process.stdout.readline().strip()
    match = re.fullmatch(r"listening 127\.0\.0\.1:(\d+)", line)
    if not match:
        raise SystemExit(f"run: the responder printed {line!r} instead of its address")
    return process, f"http://127.0.0.1:{match.group(1)}"


def responder_stats(url):
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(b"GET /__stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := sock.recv(4096):
            data += chunk
    return json.loads(data.split(b"\r\n\r\n", 1)[1])


# ---------------------------------------------------------------------------------------
# Running the clients


class Clients:
    """Runner for the three programs, with an environment that keeps them on this machine."""

    def __init__(self, builds, python, home):
        config_file = home / "empty-config"
        credentials_file = home / "empty-credentials"
        config_file.write_text("")
        credentials_file.write_text("")
        self.base_env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "AWS_ACCESS_KEY_ID": "AKIDBENCHMARKEXAMPLE",
            "AWS_SECRET_ACCESS_KEY": "benchmark/secret/key/that/moto/does/not/check",
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": str(config_file),
            "AWS_SHARED_CREDENTIALS_FILE": str(credentials_file),
        }
        self.commands = {
            "ours": [str(builds["ours"]["binary"])],
            "sdk": [str(builds["sdk"]["binary"])],
            "boto3": [str(python), str(HERE / "boto3_caller.py")],
        }

    def env(self, endpoint):
        return dict(self.base_env, AWS_ENDPOINT_URL_STS=endpoint)

    def run(self, name, calls, endpoint):
        """Run once and return the wall time in seconds. Fails unless the account is
        printed."""
        started = time.perf_counter()
        result = subprocess.run(
            self.commands[name] + [str(calls)], env=self.env(endpoint),
            stdin=subprocess.DEVNULL, capture_output=True, text=True,
        )
        seconds = time.perf_counter() - started
        self.check(name, calls, endpoint, result)
        return seconds

    def peak_rss(self, name, calls, endpoint, scratch):
        """Run once under GNU time and return the peak RSS in KiB."""
        report = scratch / "time-report"
        result = subprocess.run(
            [TIME, "-f", "%M", "-o", str(report)] + self.commands[name] + [str(calls)],
            env=self.env(endpoint), stdin=subprocess.DEVNULL, capture_output=True, text=True,
        )
        self.check(name, calls, endpoint, result)
        return int(report.read_text().split()[-1])

    @staticmethod
    def check(name, calls, endpoint, result):
        if result.returncode != 0 or result.stdout.strip() != ACCOUNT:
            raise SystemExit(
                f"run: {name} with {calls} calls to {endpoint} failed "
                f"(exit code {result.returncode})\nstdout:\n{result.stdout}\n"
                f"stderr:\n{result.stderr}"
            )

    def instructions(self, name, calls, endpoint, out_dir):
        """Run once under callgrind and return the instructions executed by all threads."""
        out_file = out_dir / f"{name}-{calls}-{endpoint.rsplit(':', 1)[1]}.callgrind"
        result = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out_file}"]
            + self.commands[name] + [str(calls)],
            env=self.env(endpoint), stdin=subprocess.DEVNULL, capture_output=True, text=True,
        )
        match = re.search(r"Collected : (\d+)", result.stderr)
        if result.returncode != 0 or result.stdout.strip() != ACCOUNT or not match:
            raise SystemExit(
                f"run: callgrind run of {name} with {calls} calls failed "
                f"(exit code {result.returncode})\nstderr:\n{result.stderr[-4000:]}"
            )
        return int(match.group(1))


def measure_instructions(clients, endpoint, out_dir):
    """Return {name: (start-up plus one call, per additional call)} from callgrind."""
    results = {}
    for name in PROGRAMS:
        log(f"callgrind: {name} against {endpoint}")
        first = clients.instructions(name, 1, endpoint, out_dir)
        more = clients.instructions(name, 1 + EXTRA_CALLS, endpoint, out_dir)
        results[name] = (first, (more - first) / EXTRA_CALLS)
    return results


def measure_wall(clients, endpoint, calls, runs, scratch):
    """Return {name: (median seconds, median peak RSS in KiB)} over `runs` timed runs and
    `runs` runs under GNU time, after one warm-up run each. The programs take turns, so a
    change in machine load hits all three."""
    seconds = {name: [] for name in PROGRAMS}
    rss = {name: [] for name in PROGRAMS}
    for name in PROGRAMS:
        clients.run(name, calls, endpoint)
    for _ in range(runs):
        for name in PROGRAMS:
            seconds[name].append(clients.run(name, calls, endpoint))
            rss[name].append(clients.peak_rss(name, calls, endpoint, scratch))
    return {name: (statistics.median(seconds[name]), statistics.median(rss[name]))
            for name in PROGRAMS}


def measure_connections(clients, endpoint, calls):
    """Return {name: connections opened} for one run of `calls` calls against the responder."""
    result = {}
    for name in PROGRAMS:
        before = responder_stats(endpoint)
        clients.run(name, calls, endpoint)
        after = responder_stats(endpoint)
        if after["requests"] - before["requests"] != calls:
            raise SystemExit(f"run: the responder counted "
                             f"{after['requests'] - before['requests']} requests from {name}, "
                             f"expected {calls}")
        result[name] = after["connections"] - before["connections"]
    return result


# ---------------------------------------------------------------------------------------
# Report


def locked_versions(names):
    lock = tomllib.loads((HERE / "Cargo.lock").read_text())
    versions = {}
    for package in lock["package"]:
        if package["name"] in names:
            versions.setdefault(package["name"], package["version"])
    return versions


def machine_description():
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{cpu}, {os.cpu_count()} cores{memory}, {platform.system()} {platform.release()}"


def load_average():
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def human_bytes(count):
    for unit in ("B", "KiB", "MiB", "GiB"):
        if count < 1024 or unit == "GiB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.2f} {unit}"
        count /= 1024


def human_count(count):
    if count >= 1e9:
        return f"{count / 1e9:.2f} G"
    if count >= 1e6:
        return f"{count / 1e6:.2f} M"
    if count >= 1e3:
        return f"{count / 1e3:.1f} k"
    return f"{count:.0f}"


def ratio(ours, other):
    if ours is None or other is None or other == 0:
        return None
    return ours / other


def format_ratio(value):
    if value is None:
        return "n/a"
    return f"1/{1 / value:.1f}" if value < 1 else f"{value:.2f}"


def verdict(value, limit):
    if value is None or limit is None:
        return ""
    return "met" if value <= limit else "not met"


def render_table(results):
    rows = []

    def row(label, key, values, formatter, target_key=None, target_text=""):
        ours, sdk, boto3 = (values.get(name) for name in PROGRAMS)
        to_sdk, to_boto3 = ratio(ours, sdk), ratio(ours, boto3)
        limit = TARGETS.get(target_key) if target_key else None
        rows.append([
            label,
            *(formatter(v) if v is not None else "n/a" for v in (ours, sdk, boto3)),
            format_ratio(to_sdk), format_ratio(to_boto3),
            target_text, verdict(to_sdk, limit),
        ])

    r = results
    row("Stripped binary size (boto3: installed packages)", "size", r["size"], human_bytes,
        "size", "<= 1/7 of SDK")
    row("Clean release build time", "build", r["build"], lambda s: f"{s:.1f} s",
        "build", "<= 1/5 of SDK")

    deps = r["dependencies"]
    rows.append([
        "Dependencies (cargo tree -e normal; boto3: pip closure)",
        str(deps["ours"]), str(deps["sdk"]), str(deps["boto3"]),
        format_ratio(ratio(deps["ours"], deps["sdk"])),
        "n/a",
        f"<= {MAX_DEPENDENCIES} crates",
        "met" if deps["ours"] <= MAX_DEPENDENCIES else "not met",
    ])

    moto, keep = r["instructions_moto"], r["instructions_keepalive"]
    row("Instructions, start-up + 1 call (moto)", None,
        {n: v[0] for n, v in moto.items()}, human_count, "instructions_first", "<= 1/20 of SDK")
    row("Instructions per additional call (moto, new connection each)", None,
        {n: v[1] for n, v in moto.items()}, human_count, "instructions_per_call",
        "<= 1/3 of SDK")
    row("Instructions per additional call (keep-alive responder)", None,
        {n: v[1] for n, v in keep.items()}, human_count, "instructions_per_call",
        "<= 1/3 of SDK")
    row("Connections opened for 100 calls (keep-alive responder)", None,
        r["connections"], str)

    wall = r["wall"]
    row("Wall time, 1 call (moto, median)", None,
        {n: v[0] for n, v in wall["moto_1"].items()}, lambda s: f"{s * 1000:.1f} ms")
    row("Wall time, 100 calls (moto, median)", None,
        {n: v[0] for n, v in wall["moto_100"].items()}, lambda s: f"{s * 1000:.0f} ms")
    row("Wall time, 100 calls (keep-alive responder, median)", None,
        {n: v[0] for n, v in wall["keepalive_100"].items()}, lambda s: f"{s * 1000:.0f} ms")
    row("Peak RSS, 100 calls (moto, median)", "rss",
        {n: v[1] for n, v in wall["moto_100"].items()}, lambda k: human_bytes(k * 1024),
        "rss", "<= 1/3 of SDK")

    header = ["Measure", LABELS["ours"], LABELS["sdk"], LABELS["boto3"], "ours/SDK",
              "ours/boto3", "Target", "Met"]
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join(["---"] + ["---:"] * 5 + ["---", "---"]) + "|"]
    lines += ["| " + " | ".join(cells) + " |" for cells in rows]
    return "\n".join(lines)


def check_floor_program(binary, url):
    """Run the transport-only program once, so the table never reports a program that
    cannot send its request."""
    output = run_checked([binary], env={"PATH": os.environ.get("PATH", ""),
                                        "AWS_ENDPOINT_URL_STS": url})
    if not re.fullmatch(r"\d{3}( [^\n]*)?\n", output):
        raise SystemExit(f"run: {binary} printed {output!r} instead of an HTTP status")


def render_floor_table(results):
    """Compare the transport-only program with the SDK, beside this crate's own ratios."""
    header = ["Measure", "ureq + rustls only", "aws-sts-blocking", "aws-sdk-sts",
              "floor/SDK", "ours/SDK"]
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join(["---"] + ["---:"] * 5) + "|"]
    measures = [
        ("Stripped binary size", "size", human_bytes),
        ("Clean release build time", "build", lambda s: f"{s:.1f} s"),
        ("Dependencies (cargo tree -e normal)", "dependencies", str),
    ]
    for label, key, formatter in measures:
        values = results[key]
        lines.append("| " + " | ".join([
            label, formatter(values["floor"]), formatter(values["ours"]),
            formatter(values["sdk"]),
            format_ratio(ratio(values["floor"], values["sdk"])),
            format_ratio(ratio(values["ours"], values["sdk"])),
        ]) + " |")
    return "\n".join(lines)


def render_context(results):
    c = results["context"]
    versions = ", ".join(f"{name} {version}" for name, version in c["versions"].items())
    return "\n".join([
        f"- Machine: {c['machine']}",
        f"- Load average (1, 5, 15 min): {c['load_start']} at start, {c['load_timing']} "
        f"when timing began, {c['load_end']} at the end",
        f"- Toolchain: {c['rustc']}; Python {c['python']}",
        f"- Versions: {versions}",
        f"- Profile: `{c['profile']}` of benches/compare/Cargo.toml for all Rust programs",
        f"- Wall time and RSS: median of {c['runs']} runs after one warm-up run; "
        f"instructions: callgrind, 1 and {1 + EXTRA_CALLS} calls",
        f"- Build times: {c['build_note']}",
    ])


# ---------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", choices=["release", "size"], default="release",
                        help="Cargo profile for both Rust programs (default: release)")
    parser.add_argument("--runs", type=int, default=7,
                        help="timed runs per program and call count (default: 7)")
    parser.add_argument("--reuse-builds", action="store_true",
                        help="reuse the binaries and build times of an earlier run "
                             "instead of building from clean")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    check_tools()
    load_start = load_average()
    python = ensure_venv()
    builds = build_programs(args.profile, args.reuse_builds)

    results = {
        "size": {name: builds[name]["binary"].stat().st_size for name in RUST_PROGRAMS},
        "build": {name: builds[name]["build_seconds"] for name in RUST_PROGRAMS},
        "dependencies": {name: dependency_count(RUST_PROGRAMS[name]["package"])
                         for name in RUST_PROGRAMS},
    }
    footprint = boto3_footprint(python)
    results["size"]["boto3"] = footprint["size"]
    results["dependencies"]["boto3"] = footprint["count"]

    with tempfile.TemporaryDirectory(prefix="sts-bench-") as temp:
        temp = Path(temp)
        home = temp / "home"
        home.mkdir()
        callgrind_dir = TARGET / "callgrind"
        callgrind_dir.mkdir(parents=True, exist_ok=True)
        moto, moto_url = start_moto(python, temp)
        responder, responder_url = start_responder(builds["responder"]["binary"], temp)
        try:
            check_floor_program(builds["floor"]["binary"], moto_url)
            clients = Clients(builds, python, home)
            for name in PROGRAMS:
                clients.run(name, 2, moto_url)
                clients.run(name, 2, responder_url)
            results["instructions_moto"] = measure_instructions(clients, moto_url, callgrind_dir)
            results["instructions_keepalive"] = measure_instructions(
                clients, responder_url, callgrind_dir)
            results["connections"] = measure_connections(clients, responder_url, 100)
            load_timing = load_average()
            log(f"timing {args.runs} runs of each program")
            results["wall"] = {
                "moto_1": measure_wall(clients, moto_url, 1, args.runs, temp),
                "moto_100": measure_wall(clients, moto_url, 100, args.runs, temp),
                "keepalive_100": measure_wall(clients, responder_url, 100, args.runs, temp),
            }
        finally:
            responder.stdin.close()
            responder.wait(timeout=10)
            moto.terminate()
            moto.wait(timeout=10)

    rustc = run_checked(["rustc", "--version"]).strip()
    python_version = run_checked([python, "-c", "import platform; print(platform.python_version())"]).strip()
    reused = any(builds[name].get("build_reused") for name in RUST_PROGRAMS)
    results["context"] = {
        "machine": machine_description(),
        "load_start": load_start,
        "load_timing": load_timing,
        "load_end": load_average(),
        "rustc": rustc,
        "python": python_version,
        "versions": {
            **locked_versions({"aws-sdk-sts", "aws-config", "tokio", "ureq", "aws-sigv4"}),
            **{name: footprint["versions"][name] for name in ("boto3", "botocore")},
            "moto": MOTO_REQUIREMENT.split("==")[1],
        },
        "profile": args.profile,
        "runs": args.runs,
        "build_note": ("from an earlier clean build (--reuse-builds)" if reused
                       else "one clean build each, dependencies already downloaded"),
    }

    print(render_context(results))
    print()
    print(render_table(results))
    print()
    print(render_floor_table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
