"""The data layer's sources and checks: cache, mirror, download, and what happens when they fail."""

import gzip
import hashlib
import http.server
import threading
from functools import partial
from pathlib import Path

import pytest

from dlcourse.data import fetch
from dlcourse.data.registry import DataFile

CONTENT = b"label,value\n" + b"".join(b"%d,%d\n" % (i, i * i) for i in range(2000))
GZ = gzip.compress(CONTENT, mtime=0)


def make_file(urls=(), md5=True) -> DataFile:
    return DataFile(
        "testset", "table.csv.gz", tuple(urls), hashlib.sha256(CONTENT).hexdigest(), len(CONTENT),
        md5=hashlib.md5(GZ).hexdigest() if md5 else None,
    )


@pytest.fixture
def dirs(tmp_path, monkeypatch):
    cache, mirror = tmp_path / "cache", tmp_path / "mirror"
    monkeypatch.setenv("DLCOURSE_DATA_DIR", str(cache))
    monkeypatch.delenv("DLCOURSE_DATA_MIRROR", raising=False)
    monkeypatch.delenv("DLCOURSE_OFFLINE", raising=False)
    monkeypatch.setattr(fetch, "SYSTEM_DIRS", {})
    monkeypatch.setattr(fetch, "TIMEOUT_S", 5)
    return cache, mirror


@pytest.fixture
def server(tmp_path):
    """A throwaway HTTP server on 127.0.0.1 serving a publisher-like folder: one good file, one corrupt."""
    root = tmp_path / "www"
    (root / "good").mkdir(parents=True)
    (root / "corrupt").mkdir()
    (root / "good" / "table.csv.gz").write_bytes(GZ)
    (root / "corrupt" / "table.csv.gz").write_bytes(GZ[:-40] + b"\0" * 40)
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a, **k: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def leftovers(cache: Path) -> list[str]:
    return sorted(p.name for p in cache.rglob("*") if p.is_file()) if cache.exists() else []


def test_download_verifies_and_caches_atomically(dirs, server):
    cache, _ = dirs
    f = make_file([f"{server}/good/table.csv.gz"])
    content, source = fetch.locate(f, progress=False)
    assert content == CONTENT and source.startswith("downloaded from")
    assert leftovers(cache) == ["table.csv.gz"]  # no temp files left behind
    assert fetch.locate(f)[1].startswith("cache")  # second time: from the cache


def test_download_falls_back_across_publisher_mirrors(dirs, server):
    cache, _ = dirs
    f = make_file(["http://127.0.0.1:9/unreachable.gz", f"{server}/corrupt/table.csv.gz",
                   f"{server}/good/table.csv.gz"])
    assert fetch.read(f, progress=False) == CONTENT
    assert leftovers(cache) == ["table.csv.gz"]


def test_checksum_mismatch_is_an_error_and_leaves_no_file(dirs, server):
    cache, _ = dirs
    f = make_file([f"{server}/corrupt/table.csv.gz"])
    with pytest.raises(fetch.DataError, match="md5"):
        fetch.read(f, progress=False)
    assert leftovers(cache) == []


def test_content_checked_after_download_even_without_publisher_md5(dirs, server):
    cache, _ = dirs
    f = make_file([f"{server}/corrupt/table.csv.gz"], md5=False)
    with pytest.raises(fetch.DataError, match="gzip|sha256"):
        fetch.read(f, progress=False)
    assert leftovers(cache) == []


def test_truncated_gzip_is_an_error(dirs):
    _, mirror = dirs
    (mirror / "testset").mkdir(parents=True)
    (mirror / "testset" / "table.csv.gz").write_bytes(GZ[: len(GZ) // 2])
    with pytest.raises(fetch.VerificationError, match="not a valid gzip"):
        fetch.read_verified(mirror / "testset" / "table.csv.gz", make_file())


def test_offline_without_mirror_gives_one_clear_error(dirs, monkeypatch):
    cache, _ = dirs
    monkeypatch.setenv("DLCOURSE_OFFLINE", "1")
    f = make_file(["https://example.invalid/table.csv.gz"])
    with pytest.raises(fetch.DataError) as err:
        fetch.read(f)
    msg = str(err.value)
    assert "testset/table.csv.gz is not available" in msg
    assert str(cache / "testset" / "table.csv.gz") in msg  # where it looked
    assert "DLCOURSE_DATA_MIRROR is not set" in msg
    assert "https://example.invalid/table.csv.gz" in msg  # the URL that fixes it
    assert "dlcourse data fetch testset" in msg


def test_unreachable_network_without_mirror_gives_the_clear_error(dirs):
    f = make_file(["http://127.0.0.1:9/table.csv.gz"])  # nothing listens on port 9
    with pytest.raises(fetch.DataError, match="is not available"):
        fetch.read(f, progress=False)


def test_mirror_used_when_set_and_verified_by_content(dirs, monkeypatch):
    cache, mirror = dirs
    (mirror / "testset").mkdir(parents=True)
    # a recompressed copy: different gzip bytes (so a different md5), same content
    (mirror / "testset" / "table.csv.gz").write_bytes(gzip.compress(CONTENT, compresslevel=1, mtime=123))
    monkeypatch.setenv("DLCOURSE_DATA_MIRROR", str(mirror))
    content, source = fetch.locate(make_file(["http://127.0.0.1:9/x"]))
    assert content == CONTENT and source.startswith("mirror")


def test_bad_mirror_file_is_reported_not_used(dirs, monkeypatch):
    _, mirror = dirs
    (mirror / "testset").mkdir(parents=True)
    (mirror / "testset" / "table.csv.gz").write_bytes(gzip.compress(CONTENT.replace(b"7", b"8"), mtime=0))
    monkeypatch.setenv("DLCOURSE_DATA_MIRROR", str(mirror))
    monkeypatch.setenv("DLCOURSE_OFFLINE", "1")
    with pytest.raises(fetch.DataError, match="failed verification"):
        fetch.read(make_file())


def test_corrupt_cache_file_is_removed_and_refetched(dirs, monkeypatch):
    cache, mirror = dirs
    (cache / "testset").mkdir(parents=True)
    (cache / "testset" / "table.csv.gz").write_bytes(b"garbage")
    (mirror / "testset").mkdir(parents=True)
    (mirror / "testset" / "table.csv.gz").write_bytes(GZ)
    monkeypatch.setenv("DLCOURSE_DATA_MIRROR", str(mirror))
    assert fetch.read(make_file()) == CONTENT
    assert not (cache / "testset" / "table.csv.gz").exists()  # the bad copy is gone


def test_failed_write_leaves_no_partial_file(dirs, monkeypatch):
    cache, _ = dirs

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(fetch.os, "replace", boom)
    with pytest.raises(OSError):
        fetch._atomic_write(cache / "testset" / "x.gz", b"data")
    assert leftovers(cache) == []


def test_registry_urls_and_checksums_match_the_mirror_manifest():
    from dlcourse.data.registry import FILES

    manifest = Path(__file__).resolve().parents[2] / "shared" / "data" / "SHA256SUMS"
    if not manifest.exists():
        pytest.skip("no ../shared/data beside the repository")
    for line in manifest.read_text().splitlines():
        file_sha, content_sha, size, path = line.split()
        f = FILES[path]
        assert f.size == int(size)
        assert f.content_sha256 == (file_sha if content_sha == "-" else content_sha)
        assert f.urls and all(u.startswith("http") and u.endswith(f.name) for u in f.urls)
