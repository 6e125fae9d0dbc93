"""Isolation of one submission: bubblewrap where it works, else ``unshare -rn``, else resource limits alone.

bubblewrap gives the submission a read-only view of the filesystem, no network, no capabilities (also when the
grader runs as root), its own PID namespace (it cannot see or signal the grader or the other submissions) and it
dies with its parent. Everything it can write (its working folder, ``/tmp``) is one size-limited tmpfs
(``--disk``), plus a small ``/dev/shm``; the Python installation and the package are bound read-only into that
private ``/tmp`` when they live under it. Files the submission must not read (the other submissions, the
gradebook, private checks) are hidden behind empty mounts. Whatever the isolation, the worker applies
``setrlimit`` limits to itself and so to the kernel it starts (memory, CPU time, processes, file size).
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
SHM_MB = 64                      # /dev/shm in the sandbox (PyTorch's worker processes share tensors there)
MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    wall_s: float = 600.0        # the whole notebook, then the process tree is killed
    cell_s: float = 120.0        # one cell, then the kernel is interrupted and the next cell runs
    memory_mb: int = 4096        # the whole submission: its kernel's heap plus what it writes (a RAM disk)
    procs: int = 64              # RLIMIT_NPROC headroom above the processes the user already runs
    file_mb: int = 1024          # RLIMIT_FSIZE: the largest file the submission may write
    disk_mb: int = 512           # everything it may write: working folder and temporary folders, in all

    def as_dict(self) -> dict:
        return dict(wall_s=self.wall_s, cell_s=self.cell_s, memory_mb=self.memory_mb, procs=self.procs,
                    file_mb=self.file_mb, disk_mb=self.disk_mb)

    @property
    def heap_mb(self) -> int:
        """The kernel's RLIMIT_DATA: the memory limit less the RAM disk its writes may fill (tmpfs pages are
        memory, but no rlimit counts them)."""
        return self.memory_mb - self.disk_mb - SHM_MB

    def problem(self) -> str | None:
        """Why these limits cannot work, or None."""
        if self.disk_mb < 16:
            return f"--disk {self.disk_mb} MB is too small (at least 16 MB)"
        if self.heap_mb < 512:
            return (f"--memory {self.memory_mb} MB leaves the kernel {self.heap_mb} MB once --disk {self.disk_mb} MB "
                    f"and {SHM_MB} MB of /dev/shm are counted; give at least {self.disk_mb + SHM_MB + 512} MB")
        return None


def tmp_roots() -> list[Path]:
    """The temporary folders the sandbox replaces with its own: /tmp and, if different, Python's tempdir."""
    roots = [Path("/tmp")]
    tmp = Path(tempfile.gettempdir()).resolve()
    if tmp != Path("/tmp"):
        roots.append(tmp)
    return roots


def _under(p: Path, root: Path) -> bool:
    return p == root or root in p.parents


def visible_paths(scratch: Path | None = None) -> list[Path]:
    """Paths under a temporary folder that the sandbox must still see, read-only: the interpreter, its
    prefixes, ``sys.path`` (the venv, the package) and the data folders. Outside the temporary folders
    everything is visible read-only anyway."""
    roots = tmp_roots()
    found = []
    for p in _needed_paths():
        if not any(_under(p, r) for r in roots):
            continue
        if any(p == r for r in roots) or (scratch is not None and _under(scratch, p)):
            continue  # binding a whole /tmp, or a folder holding the box, would defeat the private /tmp
        found.append(p)
    found = sorted(set(found), key=lambda p: (len(p.parts), str(p)))
    return [p for i, p in enumerate(found) if not any(_under(p, q) for q in found[:i])]


def _bwrap_base(box: Path, disk_mb: int = Limits.disk_mb, staging: Path | None = None) -> list[str]:
    """bubblewrap's arguments: the whole filesystem read-only, a private /tmp of ``disk_mb`` that will hold the
    box (the submission's folder, at the same path as on the host), read-only binds of what lives under a
    temporary folder and must stay visible, and the host box bound read-only at ``staging`` (``box.py`` copies
    it into the private /tmp, where it is writable)."""
    cmd = ["bwrap", "--unshare-user", "--cap-drop", "ALL", "--ro-bind", "/", "/", "--dev", "/dev",
           "--size", str(SHM_MB * MB), "--tmpfs", "/dev/shm", "--remount-ro", "/dev", "--proc", "/proc"]
    box_root = next((r for r in tmp_roots() if _under(box, r)), None)
    for root in tmp_roots():
        if root == box_root or (box_root is None and root == Path("/tmp")):
            cmd += ["--size", str(disk_mb * MB), "--tmpfs", str(root)]
        else:  # a second temporary folder: hidden, empty and read-only (the box's tmpfs is the only place to write)
            cmd += ["--perms", "0555", "--tmpfs", str(root)]
    for p in visible_paths(box.parent):
        cmd += ["--ro-bind", str(p), str(p)]
    if staging is not None:
        cmd += ["--ro-bind", str(box), str(staging)]
    return cmd + ["--unshare-net", "--unshare-pid", "--die-with-parent", "--new-session"]


def _probe(cmd: list[str]) -> tuple[bool, str]:
    try:
        r = subprocess.run(cmd + [sys.executable, "-c", "print('ok')"], capture_output=True, text=True,
                           timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        return False, str(e)
    return r.returncode == 0 and r.stdout.strip() == "ok", (r.stderr or r.stdout).strip()[-300:]


# what bubblewrap and unshare print when the kernel refuses them a user namespace (not a problem of paths)
USERNS_ERRORS = ("setting up uid map", "No permissions to create", "Creating new namespace failed",
                 "unshare failed", "Operation not permitted", "user namespace")


def explain_failure(name: str, err: str) -> str:
    """The fallback note: the tool's own error, quoted, and the user-namespace hint only when that is the cause."""
    text = f"{name} does not work here: {err.strip() or 'it printed nothing'!r}"
    if any(k.lower() in err.lower() for k in USERNS_ERRORS):
        text += (" (unprivileged user namespaces look disabled; Ubuntu 24.04: "
                 "sysctl kernel.apparmor_restrict_unprivileged_userns=0)")
    return text


def bwrap_version() -> tuple[int, ...] | None:
    try:
        out = subprocess.run(["bwrap", "--version"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    digits = [int(x) for x in out.split()[-1].split(".") if x.isdigit()] if out.split() else []
    return tuple(digits) or None


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
            version = bwrap_version()
            if version is not None and version < (0, 8):
                notes.append(f"bubblewrap {'.'.join(map(str, version))} is too old: the size-limited tmpfs "
                             "(--size) that caps what a submission writes needs bubblewrap 0.8 or newer")
                continue
            with tempfile.TemporaryDirectory(prefix="dlcourse-probe-") as d:
                box = Path(d).resolve() / "box"
                box.mkdir()
                ok, err = _probe(_bwrap_base(box, 16, Path(d).resolve() / "in"))
        else:
            if not shutil.which("unshare"):
                notes.append("unshare is not installed")
                continue
            ok, err = _probe(["unshare", "-rn"])
        if ok:
            return name, "; ".join(notes)
        notes.append(explain_failure(name, err))
    return "none", "; ".join(notes)


def _needed_paths() -> list[Path]:
    """What the kernel must see: the interpreter and its prefixes, the package, ``sys.path`` (site-packages and
    what ``.pth`` files add; not ``sys.path[0]``, the grader's own folder) and the data folders."""
    import dlcourse

    paths = [Path(sys.prefix), Path(sys.base_prefix), Path(sys.executable).resolve().parent,
             Path(dlcourse.__file__).resolve().parent]
    paths += [Path(x) for x in sys.path[1:] if x and Path(x).is_dir()]
    from ..data import fetch

    paths.append(fetch.cache_dir())
    if fetch.mirror_dir():
        paths.append(fetch.mirror_dir())
    # both spellings: a path through a link under /tmp (a mirror at /tmp/x/data -> /srv/data) is gone with the
    # private /tmp unless the link's own path is bound too
    found = {q for p in paths if p.exists() for q in (p.resolve(), Path(os.path.abspath(p)))}
    return sorted(found, key=lambda p: (len(p.parts), str(p)))


SYSTEM_DIRS = [Path(p) for p in ("/", "/usr", "/etc", "/lib", "/lib64", "/bin", "/sbin", "/var", "/opt", "/run",
                                 "/dev", "/proc", "/sys", "/srv", "/mnt", "/media")]
HIDE_SUFFIXES = (".ipynb", ".sqlite", ".db", ".csv", ".json", ".py", ".md")


def hide_args(paths: list[Path]) -> list[str]:
    """bwrap arguments that hide ``paths`` from the sandbox.

    A folder is replaced by an empty, read-only tmpfs, and what the kernel needs inside it (the venv, the package,
    the data) is bound back read-only. A file is covered by an empty one. A system folder (``/``, ``/usr``, …),
    or one inside a needed path, cannot be hidden as a whole: its notebooks and databases are hidden one by one.
    """
    needed = _needed_paths()
    roots = tmp_roots()
    shown = visible_paths()
    dirs: list[Path] = []
    files: list[Path] = []
    for p in sorted({Path(x).resolve() for x in paths}, key=lambda p: (len(p.parts), str(p))):
        if not p.exists() or p.is_symlink():
            continue
        if any(_under(p, t) for t in roots) and not any(_under(p, v) for v in shown):
            continue  # under /tmp and not bound back in: the sandbox's own /tmp does not have it
        if any(_under(p, d) for d in dirs) and not any(_under(p, n) for n in needed):
            continue  # inside a folder hidden already
        if p.is_file():
            files.append(p)
        elif p.is_dir():
            if any(_under(s, p) for s in SYSTEM_DIRS) or any(_under(p, n) for n in needed):
                files += [f.resolve() for f in sorted(p.iterdir()) if f.is_file() and not f.is_symlink()
                          and (f.suffix in HIDE_SUFFIXES or f.name.endswith(("-wal", "-journal", "-shm")))]
            else:
                dirs.append(p)
    args: list[str] = []
    for d in dirs:
        args += ["--perms", "0555", "--tmpfs", str(d)]
    rebound = [n for n in needed if any(_under(n, d) and n != d for d in dirs)]
    rebound = [n for i, n in enumerate(rebound) if not any(_under(n, m) for m in rebound[:i])]
    for n in rebound:
        args += ["--ro-bind", str(n), str(n)]
    for f in dict.fromkeys(files):
        hidden_dir = any(_under(f, d) for d in dirs) and not any(_under(f, n) for n in rebound)
        if not hidden_dir and f.is_file():
            args += ["--ro-bind", "/dev/null", str(f)]
    return args


def command(isolation: str, out: Path, hide: list[Path], argv: list[str], disk_mb: int = Limits.disk_mb,
            staging: Path | None = None) -> list[str]:
    """The command line that runs ``argv`` under ``isolation`` with ``out`` as its only writable folder.

    Under bubblewrap, ``out`` is a size-limited tmpfs (``disk_mb``) filled from the host's ``out``, which is
    bound read-only at ``staging``; ``argv`` should be ``box.py``, which copies it and exports the answers."""
    if isolation == "bwrap":
        return _bwrap_base(out, disk_mb, staging) + hide_args(hide) + ["--"] + argv
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
    mb = MB
    mem = limits.heap_mb * mb
    resource.setrlimit(resource.RLIMIT_DATA, (mem, mem))
    # address space: a backstop; libraries map a few GB of address space they never touch
    addr = mem + 8 * 1024 * mb
    resource.setrlimit(resource.RLIMIT_AS, (addr, addr))
    cpu = int(limits.wall_s) + 5
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    fsize = min(limits.file_mb, limits.disk_mb) * mb
    resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    nproc = _user_processes() + limits.procs
    resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
    enforced = {"memory_mb": limits.heap_mb, "cpu_s": cpu, "file_mb": fsize // mb}
    # Linux does not apply RLIMIT_NPROC to root; say so rather than pretend
    enforced["procs"] = None if os.geteuid() == 0 else limits.procs
    return enforced
