"""Find a data file, verify it, and return its decompressed bytes.

Sources, in order: the cache (re-verified), a mirror directory (``DLCOURSE_DATA_MIRROR``),
system copies (Debian's Fashion-MNIST package), and finally a download from the publisher's URLs.
A file that fails verification is never left in the cache.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
import time
import urllib.request
import zlib
from pathlib import Path

from .registry import SYSTEM_DIRS, DataFile

ENV_CACHE = "DLCOURSE_DATA_DIR"
ENV_MIRROR = "DLCOURSE_DATA_MIRROR"
ENV_OFFLINE = "DLCOURSE_OFFLINE"
TIMEOUT_S = 30
RETRIES = 2  # attempts per URL before moving to the publisher's next mirror


class DataError(RuntimeError):
    """A data file could not be found or failed verification."""


class VerificationError(DataError):
    """A file's bytes do not match the checksums the course expects."""


def cache_dir() -> Path:
    if os.environ.get(ENV_CACHE):
        return Path(os.environ[ENV_CACHE]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "dlcourse"


def mirror_dir() -> Path | None:
    m = os.environ.get(ENV_MIRROR)
    return Path(m).expanduser() if m else None


def decompress(raw: bytes, f: DataFile, origin: str) -> bytes:
    """Return the content of `raw`, gunzipped when the file is a .gz; a broken gzip is a VerificationError."""
    if not f.gzipped:
        return raw
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as e:
        raise VerificationError(
            f"{f.key} from {origin} is not a valid gzip file ({e}); it is corrupt or truncated") from e


def verify_content(content: bytes, f: DataFile, origin: str) -> None:
    if len(content) != f.size:
        raise VerificationError(f"{f.key} from {origin}: content is {len(content)} bytes, expected {f.size}")
    digest = hashlib.sha256(content).hexdigest()
    if digest != f.content_sha256:
        raise VerificationError(f"{f.key} from {origin}: content sha256 {digest} != expected {f.content_sha256}")


def verify_download(raw: bytes, f: DataFile, origin: str) -> bytes:
    """Check downloaded bytes against the publisher's checksum, then the content; return the content."""
    if f.md5 is not None:
        got = hashlib.md5(raw).hexdigest()
        if got != f.md5:
            raise VerificationError(f"{f.key} from {origin}: md5 {got} != publisher's {f.md5}")
    if f.file_sha256 is not None:
        got = hashlib.sha256(raw).hexdigest()
        if got != f.file_sha256:
            raise VerificationError(f"{f.key} from {origin}: sha256 {got} != expected {f.file_sha256}")
    content = decompress(raw, f, origin)
    verify_content(content, f, origin)
    return content


def read_verified(path: Path, f: DataFile) -> bytes:
    content = decompress(path.read_bytes(), f, str(path))
    verify_content(content, f, str(path))
    return content


def _atomic_write(dest: Path, data: bytes) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _download(url: str, f: DataFile, progress: bool) -> bytes:
    from tqdm.auto import tqdm

    req = urllib.request.Request(url, headers={"User-Agent": "dlcourse"})
    with urllib.request.urlopen(req, timeout=TIMEOUT_S) as resp:
        total = int(resp.headers.get("Content-Length") or 0) or None
        chunks = []
        with tqdm(total=total, unit="B", unit_scale=True, desc=f.name, disable=not progress, leave=False) as bar:
            while chunk := resp.read(1 << 16):
                chunks.append(chunk)
                bar.update(len(chunk))
    return b"".join(chunks)


def _candidates(f: DataFile) -> list[tuple[str, Path]]:
    out = []
    mirror = mirror_dir()
    out.append(("mirror", mirror / f.dataset / f.name if mirror else None))
    for d in SYSTEM_DIRS.get(f.dataset, ()):
        out.append(("system copy", Path(d) / f.name))
    return out


def read(f: DataFile, progress: bool = True) -> bytes:
    """Return the verified, decompressed content of `f`, fetching it into the cache if needed."""
    return locate(f, progress)[0]


def locate(f: DataFile, progress: bool = True) -> tuple[bytes, str]:
    """Like `read`, and also say where the verified bytes came from."""
    cached = cache_dir() / f.dataset / f.name
    looked: list[str] = []
    if cached.exists():
        try:
            return read_verified(cached, f), f"cache {cached}"
        except VerificationError as e:
            cached.unlink(missing_ok=True)  # never keep a bad file
            looked.append(f"cache {cached}: removed, it failed verification ({e})")
    else:
        looked.append(f"cache {cached}: not there")

    for label, path in _candidates(f):
        if path is None:
            looked.append(f"{label}: {ENV_MIRROR} is not set")
            continue
        if not path.exists():
            looked.append(f"{label} {path}: not there")
            continue
        try:
            return read_verified(path, f), f"{label} {path}"  # read in place; mirrors and system copies are not copied
        except VerificationError as e:
            looked.append(f"{label} {path}: failed verification ({e})")

    if os.environ.get(ENV_OFFLINE):
        looked.append(f"download: skipped, {ENV_OFFLINE} is set")
    else:
        for url in f.urls:
            for attempt in range(RETRIES):
                try:
                    raw = _download(url, f, progress)
                    content = verify_download(raw, f, url)
                except VerificationError as e:
                    looked.append(f"download {url}: {e}")
                    break  # the same server would send the same bad bytes: try the next mirror
                except OSError as e:  # URLError, timeouts, connection resets
                    looked.append(f"download {url} (try {attempt + 1}): {e}")
                    time.sleep(0.5 * (attempt + 1))
                    continue
                _atomic_write(cached, raw)
                return content, f"downloaded from {url} into {cached}"

    url = f.urls[0] if f.urls else "(the publisher's URL)"
    raise DataError(
        f"Data file {f.key} is not available.\nLooked for it here:\n  - "
        + "\n  - ".join(looked)
        + f"\nTo fix: connect to the internet and run `dlcourse data fetch {f.dataset}`, or download\n  {url}\n"
        f"into {cached.parent}/, or set {ENV_MIRROR} to a folder that holds {f.key}."
    )
