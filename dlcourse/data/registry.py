"""Every data file the course uses: where it comes from and how to verify it.

Content checksums (sha256 of the *decompressed* bytes) come from the course's data mirror
(`shared/data/SHA256SUMS`); they stay valid when a mirror recompresses a `.gz` file.
Publisher checksums (md5 of the downloaded bytes) are the ones torchvision lists for its datasets;
for the plain GitHub files, whose publishers give none, the sha256 of the published bytes is used.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DataFile:
    dataset: str  # folder name in the cache and in a mirror, e.g. "fashion-mnist"
    name: str  # file name, e.g. "train-images-idx3-ubyte.gz"
    urls: tuple[str, ...]  # the publisher's mirrors, tried in order
    content_sha256: str  # sha256 of the decompressed content
    size: int  # decompressed size in bytes
    md5: str | None = None  # publisher's md5 of the downloaded bytes
    file_sha256: str | None = None  # sha256 of the downloaded bytes, where no md5 is published

    @property
    def key(self) -> str:
        return f"{self.dataset}/{self.name}"

    @property
    def gzipped(self) -> bool:
        return self.name.endswith(".gz")


_FMNIST_URLS = ("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",)
_MNIST_URLS = ("https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/")
_ZERO_TO_ALL = ("https://raw.githubusercontent.com/hunkim/PyTorchZeroToAll/master/data/",)
_SEABORN = ("https://raw.githubusercontent.com/mwaskom/seaborn-data/master/",)


def _idx(dataset, bases, rows):
    return [
        DataFile(dataset, name, tuple(b + name for b in bases), sha, size, md5=md5)
        for name, md5, sha, size in rows
    ]


FILES: dict[str, DataFile] = {
    f.key: f
    for f in [
        *_idx("fashion-mnist", _FMNIST_URLS, [
            ("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
             "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888", 47040016),
            ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe",
             "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9", 60008),
            ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79",
             "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b", 7840016),
            ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310",
             "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34", 10008),
        ]),
        *_idx("mnist", _MNIST_URLS, [
            ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873",
             "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db", 47040016),
            ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432",
             "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5", 60008),
            ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3",
             "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7", 7840016),
            ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c",
             "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2", 10008),
        ]),
        DataFile("pytorchzerotoall", "diabetes.csv.gz", (_ZERO_TO_ALL[0] + "diabetes.csv.gz",),
                 "89e33de71cd5afdcd4fe8a722b60c4d69eb8f9b96446cea9347d735ff2df395e", 53438,
                 file_sha256="398214d0f6b7f4a722f598d8e424f28bc078abbd16ebdeea0f8e264492325aa4"),
        DataFile("pytorchzerotoall", "names_train.csv.gz", (_ZERO_TO_ALL[0] + "names_train.csv.gz",),
                 "408687cf9cf917854cf9b7e860e482499009cf0b5aa7b2f2a47e2f560cbc0521", 280352,
                 file_sha256="49b4bf41dce5bfeac989b46ca37cf7baccd9a0d2a855df82f86de67a9376268f"),
        DataFile("pytorchzerotoall", "names_test.csv.gz", (_ZERO_TO_ALL[0] + "names_test.csv.gz",),
                 "28ad30296998ee57bb43ef9c5ed21327f0a453210a86b7d30251daa9336b2a7f", 140061,
                 file_sha256="57d7758db533a42c99d513b2341a7e7b0f55c1e0e7d233b1ef6a4fa2f1adf753"),
        DataFile("pytorchzerotoall", "shakespeare.txt.gz", (_ZERO_TO_ALL[0] + "shakespeare.txt.gz",),
                 "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed", 1115394,
                 file_sha256="2eb872a1b46dca57ec6c55bbf528df9ab53a564f803ba17d8b7e8267c66c1e10"),
        DataFile("seaborn", "titanic.csv", (_SEABORN[0] + "titanic.csv",),
                 "81787d320d7f7b03df935e91de8bd19e11d45c5bbcab86ef4d4a76dc91b7d4f2", 57018,
                 file_sha256="81787d320d7f7b03df935e91de8bd19e11d45c5bbcab86ef4d4a76dc91b7d4f2"),
    ]
}

# Names accepted by `dlcourse data fetch NAME`: a dataset folder, or one file's key.
DATASETS: dict[str, list[str]] = {}
for _f in FILES.values():
    DATASETS.setdefault(_f.dataset, []).append(_f.key)
ALIASES = {
    "diabetes": ["pytorchzerotoall/diabetes.csv.gz"],
    "names": ["pytorchzerotoall/names_train.csv.gz", "pytorchzerotoall/names_test.csv.gz"],
    "shakespeare": ["pytorchzerotoall/shakespeare.txt.gz"],
    "titanic": ["seaborn/titanic.csv"],
}

# Other places on disk known to hold a dataset: Debian's package `dataset-fashion-mnist`.
SYSTEM_DIRS = {"fashion-mnist": ("/usr/share/datasets/fashion-mnist",)}


def resolve(names: list[str] | None) -> list[DataFile]:
    """Map CLI names (dataset, alias or file key; none means all) to data files."""
    if not names:
        return list(FILES.values())
    out: list[DataFile] = []
    for n in names:
        keys = DATASETS.get(n) or ALIASES.get(n) or ([n] if n in FILES else None)
        if keys is None:
            known = sorted({*DATASETS, *ALIASES})
            raise KeyError(f"unknown data set {n!r}; known: {', '.join(known)}")
        out.extend(FILES[k] for k in keys if FILES[k] not in out)
    return out
