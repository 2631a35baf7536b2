"""The one table of official data files: names, md5 checksums and mirrors, per dataset.

Every URL the package may download from is here, so the list can be audited (and a
mirror added) in one place. Checksums are those published with the sets (MNIST's and
Fashion-MNIST's by their authors and torchvision, CIFAR-10's on its page); the tiny
Shakespeare one is of Karpathy's char-rnn file (1,115,394 bytes).
"""

from __future__ import annotations

from layerlab.train.data.download import RemoteFile

MNIST_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://yann.lecun.com/exdb/mnist/",
)
FASHION_MNIST_MIRRORS = ("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",)


def _idx_files(mirrors: tuple[str, ...], md5: dict[str, str]) -> tuple[RemoteFile, ...]:
    return tuple(
        RemoteFile(name, checksum, tuple(m + name for m in mirrors))
        for name, checksum in md5.items()
    )


OFFICIAL_FILES: dict[str, tuple[RemoteFile, ...]] = {
    "mnist": _idx_files(
        MNIST_MIRRORS,
        {
            "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
            "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
            "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
            "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
        },
    ),
    "fashion_mnist": _idx_files(
        FASHION_MNIST_MIRRORS,
        {
            "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
            "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
            "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
            "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
        },
    ),
    "cifar10": (
        RemoteFile(
            "cifar-10-binary.tar.gz",
            "c32a1d4ab5d03f1284b67883e8d87530",
            ("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz",),
        ),
    ),
    "tiny_shakespeare": (
        RemoteFile(
            "input.txt",
            "6fb458f1232090904fb40fe944165e91",
            (
                "https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt",
            ),
        ),
    ),
}


def official_md5(dataset: str, file_name: str) -> str | None:
    for remote in OFFICIAL_FILES[dataset]:
        if remote.name == file_name:
            return remote.md5
    raise KeyError(f"{dataset} has no official file {file_name!r}")
