"""Isolation of one submission: bubblewrap where it works, else ``unshare -rn``, else resource limits alone.

bubblewrap gives the submission a read-only view of the filesystem (except its own temporary folder), no
network, its own PID namespace (it cannot see or signal the grader or the other submissions) and it dies with
its parent. Files the submission must not read (the other submissions, the gradebook, private checks) are
hidden behind empty mounts. Whatever the isolation, the worker applies ``setrlimit`` limits to itself and so to
the kernel it starts (memory, CPU time, processes, file size).
"""

from __future__ import annotations

import functools
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ISOLATIONS = ("bwrap", "unshare", "none")


@dataclass(frozen=True)
class Limits:
    wall_s: float = 600.0        # the whole notebook, then the process tree is killed
    cell_s: float = 120.0        # one cell, then the kernel is interrupted and the next cell runs
    memory_mb: int = 4096        # RLIMIT_DATA (heap and anonymous mappings) of the kernel
    procs: int = 64              # RLIMIT_NPROC headroom above the processes the user already runs
    file_mb: int = 1024          # RLIMIT_FSIZE: the largest file the submission may write

    def as_dict(self) -> dict:
        return dict(wall_s=self.wall_s, cell_s=self.cell_s, memory_mb=self.memory_mb, procs=self.procs,
                    file_mb=self.file_mb)


def _bwrap_base(out: Path) -> list[str]:
    cmd = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
    tmp = Path(tempfile.gettempdir()).resolve()
    if tmp != Path("/tmp"):
        cmd += ["--tmpfs", str(tmp)]
    return cmd + ["--bind", str(out), str(out), "--unshare-net", "--unshare-pid", "--die-with-parent",
                  "--new-session", "--chdir", str(out)]


def _probe(cmd: list[str]) -> tuple[bool, str]:
    try:
        r = subprocess.run(cmd + [sys.executable, "-c", "print('ok')"], capture_output=True, text=True,
                           timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        return False, str(e)
    return r.returncode == 0 and r.stdout.strip() == "ok", (r.stderr or r.stdout).strip()[-300:]


@functools.cache
def detect(preferred: str = "auto") -> tuple[str, str]:
    """The best isolation that works on this machine: (name, why the better ones were not used)."""
    notes = []
    order = ISOLATIONS if preferred == "auto" else ISOLATIONS[ISOLATIONS.index(preferred):]
    for name in order:
        if name == "none":
            return "none", "; ".join(notes)
        if name == "bwrap":
            if not shutil.which("bwrap"):
                notes.append("bubblewrap is not installed (Debian/Ubuntu: apt-get install bubblewrap)")
                continue
            with tempfile.TemporaryDirectory(prefix="dlcourse-probe-") as d:
                ok, err = _probe(_bwrap_base(Path(d)))
        else:
            if not shutil.which("unshare"):
                notes.append("unshare is not installed")
                continue
            ok, err = _probe(["unshare", "-rn"])
        if ok:
            return name, "; ".join(notes)
        notes.append(f"{name} does not work here ({err or 'no output'}); are unprivileged user namespaces "
                     "disabled (Ubuntu 24.04: sysctl kernel.apparmor_restrict_unprivileged_userns=0)?")
    return "none", "; ".join(notes)


def _needed_paths() -> list[Path]:
    import dlcourse

    paths = [Path(sys.prefix), Path(sys.base_prefix), Path(sys.executable).resolve().parent,
             Path(dlcourse.__file__).resolve().parent.parent]
    from ..data import fetch

    paths.append(fetch.cache_dir())
    if fetch.mirror_dir():
        paths.append(fetch.mirror_dir())
    return [p.resolve() for p in paths]


def hide_args(paths: list[Path]) -> list[str]:
    """bwrap arguments that hide ``paths`` (files: an empty file; folders: an empty tmpfs) from the sandbox.

    A folder that holds something the kernel needs (the Python installation, the package, the data) is not
    hidden as a whole; its notebooks and databases are hidden one by one instead.
    """
    needed = _needed_paths()
    tmp_roots = {Path("/tmp"), Path(tempfile.gettempdir()).resolve()}
    args: list[str] = []
    seen: set[Path] = set()

    def hide_file(f: Path):
        if f not in seen and f.is_file() and not f.is_symlink():
            seen.add(f)
            args.extend(["--ro-bind", "/dev/null", str(f)])

    for p in paths:
        p = p.resolve()
        if not p.exists() or p in seen or any(p == t or t in p.parents for t in tmp_roots):
            continue  # under /tmp: the sandbox has its own empty /tmp already
        if p.is_file():
            hide_file(p)
        elif p.is_dir():
            if p == Path("/") or any(n == p or p in n.parents for n in needed):
                for f in sorted(p.iterdir()):
                    if f.suffix in (".ipynb", ".sqlite", ".db", ".csv", ".json", ".py", ".md") \
                            or f.name.endswith(("-wal", "-journal", "-shm")):
                        hide_file(f.resolve())
            else:
                seen.add(p)
                args.extend(["--tmpfs", str(p)])
    return args


def command(isolation: str, out: Path, hide: list[Path], argv: list[str]) -> list[str]:
    """The command line that runs ``argv`` under ``isolation`` with ``out`` as its only writable folder."""
    if isolation == "bwrap":
        return _bwrap_base(out) + hide_args(hide) + ["--"] + argv
    if isolation == "unshare":
        return ["unshare", "-rn"] + argv
    return argv


def _user_processes() -> int:
    uid = os.getuid()
    n = 0
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                if os.stat(f"/proc/{d}").st_uid == uid:
                    n += len(os.listdir(f"/proc/{d}/task"))
            except OSError:
                pass
    return n


def apply_limits(limits: Limits) -> dict:
    """setrlimit on this process (inherited by the kernel it starts). Returns what is enforced."""
    mb = 1024 * 1024
    mem = limits.memory_mb * mb
    resource.setrlimit(resource.RLIMIT_DATA, (mem, mem))
    # address space: a backstop; libraries map a few GB of address space they never touch
    addr = mem + 8 * 1024 * mb
    resource.setrlimit(resource.RLIMIT_AS, (addr, addr))
    cpu = int(limits.wall_s) + 5
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_mb * mb, limits.file_mb * mb))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    nproc = _user_processes() + limits.procs
    resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
    enforced = {"memory_mb": limits.memory_mb, "cpu_s": cpu, "file_mb": limits.file_mb}
    # Linux does not apply RLIMIT_NPROC to root; say so rather than pretend
    enforced["procs"] = None if os.geteuid() == 0 else limits.procs
    return enforced
