#!/usr/bin/env python3
"""Decentralized AMSGrad on MNIST, written as the strongest plain-NumPy script we know.

The baseline that gossim's engines are compared with (bench/numpy_compare.ts, issue 22): every
node's weights stacked on a leading axis ([N, 784, 200], [N, 200], ...), all nodes' forward and
backward passes as batched BLAS products (np.matmul on [N, B, D] x [N, D, C], transposes as
views), in-place moment updates on one flat buffer per state vector, ring mixing (W = 1/3) as
np.roll's shifts written into preallocated buffers (--mix roll uses np.roll itself).

Algorithm (ALGORITHMS.md 2.3, as algorithms/decentralized_adaptive.ts runs it), per step t:
  g = minibatch gradient at x (B rows drawn without replacement from the node's part)
  m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;  vhat_t = max(vhat_{t-1}, v)
  X = W x;  U = W utilde;  u = max(U, eps);  x = X - alpha m / sqrt(u)
  utilde = U - vhat_{t-1} + vhat_t
with m = v = 0, vhat = utilde = eps at the start; alpha 0.001, b1 0.9, b2 0.999, eps 1e-6.
Models as problems/models.ts builds them: softmax 784 -> 10; mlp 784 -> 200 ReLU -> dropout
0.2 -> 10; loss the mean softmax cross-entropy of the minibatch; kernels Glorot-uniform.

Prints one JSON line. --replay DIR runs the exactness test's inputs (tests/numpy_baseline_test.ts):
the data, x0 and every minibatch's rows from files, no dropout, float64, writing the final x.
"""
import argparse
import json
import os
import sys
import time

# --native-blas: let OpenBLAS pick its own kernel (it reads these when numpy is imported).
UNSET = [k for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
         if "--native-blas" in sys.argv and os.environ.pop(k, None) is not None]

if "--threads" in sys.argv[:-1]:  # OpenBLAS's thread count, also read at import
    os.environ["OPENBLAS_NUM_THREADS"] = sys.argv[sys.argv.index("--threads") + 1]
sys.dont_write_bytecode = True  # no __pycache__ in bench/
import numpy as np  # noqa: E402 - after the environment is settled

from _numpy_data import blas_info, load_data  # noqa: E402 - bench/, beside this script

LAYERS = {"softmax": [(784, 10), (10,)], "mlp": [(784, 200), (200,), (200, 10), (10,)]}
DEFAULTS = {"alpha": 0.001, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-6}


class Stack:
    """Every node's copy of the model's variables, layer-major in one flat buffer per state vector:
    layer l of all N nodes is one contiguous [N, *shape] block, so element-wise updates run on the
    whole buffer at once and each layer is a contiguous operand of matmul."""

    def __init__(self, model, nodes, dtype):
        self.shapes, self.nodes, self.dtype = LAYERS[model], nodes, dtype
        self.sizes = [int(np.prod(s)) for s in self.shapes]
        self.dim = sum(self.sizes)

    def new(self, fill=0.0):
        return np.full(self.nodes * self.dim, fill, self.dtype)

    def views(self, flat):
        out, at = [], 0
        for shape, size in zip(self.shapes, self.sizes):
            out.append(flat[at:at + self.nodes * size].reshape((self.nodes,) + shape))
            at += self.nodes * size
        return out

    def pack(self, node_major):
        """[N, d] (gossim's flat layout per node) -> a layer-major buffer."""
        node_major = np.asarray(node_major).reshape(self.nodes, self.dim)
        flat, at = self.new(), 0
        for view, size in zip(self.views(flat), self.sizes):
            view.reshape(self.nodes, size)[...] = node_major[:, at:at + size]
            at += size
        return flat

    def unpack(self, flat):
        return np.concatenate([v.reshape(self.nodes, -1) for v in self.views(flat)], axis=1)


def glorot(stack, rng):
    """x0: Glorot-uniform kernels, zero biases, the same for every node."""
    x0 = np.zeros(stack.dim)
    at = 0
    for shape, size in zip(stack.shapes, stack.sizes):
        if len(shape) == 2:
            limit = np.sqrt(6 / (shape[0] + shape[1]))
            x0[at:at + size] = rng.uniform(-limit, limit, size)
        at += size
    return stack.pack(np.tile(x0, (stack.nodes, 1)))


def softmax_backward(logits, labels, scratch):
    """In place: logits -> (p - onehot) / B; returns each node's mean cross-entropy."""
    batch = logits.shape[1]
    logits -= logits.max(axis=2, keepdims=True)
    picked = np.take_along_axis(logits, labels[:, :, None], axis=2)[:, :, 0]
    np.exp(logits, out=logits)
    total = logits.sum(axis=2, keepdims=True)
    loss = (np.log(total[:, :, 0]) - picked).mean(axis=1)
    logits /= total
    np.put_along_axis(scratch, labels[:, :, None], 1.0, axis=2)
    logits -= scratch
    scratch.fill(0)
    logits *= 1.0 / batch
    return loss


def gradient(model, w, g, xb, labels, keep, rng, scratch):
    """All nodes' minibatch gradients at w (views) into g (views); returns the N losses."""
    if model == "softmax":
        logits = np.matmul(xb, w[0])
        logits += w[1][:, None, :]
        loss = softmax_backward(logits, labels, scratch)
        np.matmul(xb.transpose(0, 2, 1), logits, out=g[0])
        np.sum(logits, axis=1, out=g[1])
        return loss
    hidden = np.matmul(xb, w[0])
    hidden += w[1][:, None, :]
    np.maximum(hidden, 0, out=hidden)
    gate = hidden > 0  # ReLU's derivative, times the dropout multiplier below
    if keep < 1:
        gate = (rng.random(hidden.shape, dtype=hidden.dtype) >= 1 - keep) & gate
        hidden *= gate
        hidden *= 1 / keep
    logits = np.matmul(hidden, w[2])
    logits += w[3][:, None, :]
    loss = softmax_backward(logits, labels, scratch)
    np.matmul(hidden.transpose(0, 2, 1), logits, out=g[2])
    np.sum(logits, axis=1, out=g[3])
    back = np.matmul(logits, w[2].transpose(0, 2, 1))
    back *= gate
    if keep < 1:
        back *= 1 / keep
    np.matmul(xb.transpose(0, 2, 1), back, out=g[0])
    np.sum(back, axis=1, out=g[1])
    return loss


def ring_mix(out, a, use_roll):
    """out[i] = (a[i-1] + a[i] + a[i+1]) / 3 on the node axis (the ring's W = 1/3)."""
    if use_roll:
        np.add(a, np.roll(a, 1, axis=0), out=out)
        out += np.roll(a, -1, axis=0)
    else:
        np.add(a[1:], a[:-1], out=out[1:])
        np.add(a[0], a[-1], out=out[0])
        out[:-1] += a[1:]
        out[-1] += a[0]
    out *= 1 / 3


class Amsgrad:
    """Decentralized AMSGrad's state for all nodes, one flat buffer per vector."""

    def __init__(self, stack, x0, hyper):
        self.stack, self.h = stack, hyper
        eps = hyper["epsilon"]
        self.x, self.m, self.v = x0, stack.new(), stack.new()
        self.vhat, self.previous, self.utilde = stack.new(eps), stack.new(eps), stack.new(eps)
        self.mixed_x, self.mixed_u, self.tmp, self.u = (stack.new() for _ in range(4))

    def step(self, g, use_roll):
        h, tmp = self.h, self.tmp
        self.m *= h["beta1"]
        np.multiply(g, 1 - h["beta1"], out=tmp)
        self.m += tmp
        np.multiply(g, g, out=tmp)
        tmp *= 1 - h["beta2"]
        self.v *= h["beta2"]
        self.v += tmp
        self.vhat, self.previous = self.previous, self.vhat
        np.maximum(self.previous, self.v, out=self.vhat)
        views = self.stack.views
        pairs = zip(views(self.mixed_x) + views(self.mixed_u), views(self.x) + views(self.utilde))
        for out, a in pairs:
            ring_mix(out, a, use_roll)
        np.maximum(self.mixed_u, h["epsilon"], out=self.u)
        np.sqrt(self.u, out=tmp)
        np.divide(self.m, tmp, out=tmp)
        tmp *= h["alpha"]
        np.subtract(self.mixed_x, tmp, out=self.x)
        np.subtract(self.mixed_u, self.previous, out=self.utilde)
        self.utilde += self.vhat


def parse():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", choices=sorted(LAYERS), default="softmax")
    p.add_argument("--nodes", type=int, default=16)
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--warmup", type=int, default=5, help="untimed steps first")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--train", type=int, default=10_000, help="training images, split iid")
    p.add_argument("--precision", choices=["float32", "float64"], default="float32")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--dropout", type=float, default=0.2, help="the MLP's dropout rate")
    p.add_argument("--mix", choices=["slices", "roll"], default="slices")
    p.add_argument("--data", help="folder of the MNIST IDX files")
    p.add_argument("--synthetic", action="store_true", help="random data if MNIST is missing")
    p.add_argument("--native-blas", action="store_true",
                   help="unset OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE for this process")
    p.add_argument("--threads", type=int, help="OpenBLAS threads (default: OpenBLAS's own)")
    p.add_argument("--replay", help="folder of the exactness test's inputs")
    p.add_argument("--out", help="--replay: where the final x goes (float64, [N, d])")
    for name, value in DEFAULTS.items():
        p.add_argument(f"--{name}", type=float, default=value)
    args = p.parse_args()
    if args.nodes < 3:
        p.error("--nodes must be at least 3 (a ring of N nodes, W = 1/3)")
    return args


def replay(args, hyper):
    """The exactness test: data, x0 and minibatch rows from files; float64; no dropout."""
    with open(os.path.join(args.replay, "manifest.json")) as f:
        spec = json.load(f)
    nodes, steps, batch = spec["nodes"], spec["steps"], spec["batch"]
    stack = Stack(spec["model"], nodes, np.float64)
    read = lambda name, t: np.fromfile(os.path.join(args.replay, name), t)  # noqa: E731
    images = read("images.f64", "<f8").reshape(-1, 784)
    labels = read("labels.u8", np.uint8).astype(np.intp)
    rows = read("batches.i32", "<i4").reshape(steps, nodes, batch)
    x0 = read("x0.f64", "<f8")
    if spec.get("fullGradient"):  # the mean gradient over all the images at x0, no dropout
        one, g = Stack(spec["model"], 1, np.float64), np.zeros(stack.dim)
        gradient(spec["model"], one.views(x0.copy()), one.views(g), images[None], labels[None],
                 1.0, None, np.zeros((1, len(labels), 10)))
        g.astype("<f8").tofile(args.out)
        return print(json.dumps({"replay": args.replay, "dim": stack.dim, "fullGradient": True}))
    state = Amsgrad(stack, stack.pack(np.tile(x0, (nodes, 1))), hyper)
    g = stack.new()
    scratch = np.zeros((nodes, batch, 10))
    for t in range(steps):
        gradient(spec["model"], stack.views(state.x), stack.views(g), images[rows[t]],
                 labels[rows[t]], 1.0, None, scratch)
        state.step(g, args.mix == "roll")
    stack.unpack(state.x).astype("<f8").tofile(args.out)
    print(json.dumps({"replay": args.replay, "dim": stack.dim, "steps": steps}))


def main():
    args = parse()
    hyper = {k: getattr(args, k) for k in DEFAULTS}
    if args.replay:
        return replay(args, hyper)
    dtype = np.dtype(args.precision).type
    rng = np.random.default_rng(args.seed)
    images, labels, source = load_data(args, dtype, rng)
    n, batch = args.nodes, args.batch
    per_node = len(labels) // n  # iid: the shuffled images split into N equal parts
    if per_node < batch:
        raise SystemExit(f"numpy_baseline: {per_node} images per node < batch {batch}")
    parts = np.arange(n * per_node).reshape(n, per_node)
    stack = Stack(args.model, n, dtype)
    state = Amsgrad(stack, glorot(stack, rng), hyper)
    g = stack.new()
    scratch = np.zeros((n, batch, 10), dtype)
    keep = 1 - args.dropout if args.model == "mlp" else 1.0
    node_axis = np.arange(n)[:, None]

    def one_step():
        keys = rng.random((n, per_node), dtype=np.float32)
        rows = parts[node_axis, np.argpartition(keys, batch - 1, axis=1)[:, :batch]]
        loss = gradient(args.model, stack.views(state.x), stack.views(g), images[rows],
                        labels[rows], keep, rng, scratch)
        state.step(g, args.mix == "roll")
        return loss

    for _ in range(args.warmup):
        one_step()
    start = time.perf_counter()
    for _ in range(args.steps):
        loss = one_step()
    seconds = time.perf_counter() - start
    print(json.dumps({
        "model": args.model, "nodes": n, "steps": args.steps, "batch": batch, "dim": stack.dim,
        "precision": args.precision, "mix": args.mix, "data": source,
        "node_steps_per_s": n * args.steps / seconds, "seconds": seconds,
        "final_loss": float(np.mean(loss)), "finite": bool(np.isfinite(state.x).all()),
        "blas": blas_info(UNSET), "numpy": np.__version__,
    }))


if __name__ == "__main__":
    main()
