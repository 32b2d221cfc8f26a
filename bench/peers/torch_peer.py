"""The PyTorch peer: the three workload hypergradients as a PyTorch user writes them: the maps
with their lower-level gradients written out (docs/mathematics.md §5), the solvers as eager
loops without autograd, every vector-Jacobian product and upper-level gradient by torch.func;
float64, CPU, torch.set_num_threads(--threads).

    python torch_peer.py check|time WORKLOAD DIR [--threads N] [--warmup W] [--reps R]
"""

import common  # first: applies --threads (OMP/MKL) before PyTorch loads
import numpy as np
import torch
from torch.func import grad, vjp

torch.set_default_dtype(torch.float64)
torch.set_num_threads(common.THREADS or 1)


def km(x, phi, eta):
    """The Krasnoselskii–Mann step (1 − η) x + η φ (η = 1: φ)."""
    return phi if eta == 1.0 else (1 - eta) * x + eta * phi


def cross_entropy(logits, one_hot):
    """Mean cross-entropy over the rows (all leading axes)."""
    return -(one_hot * torch.log_softmax(logits, dim=-1)).sum(dim=-1).mean()


def tensor(array):
    return torch.from_numpy(np.ascontiguousarray(array))


class Base:
    def lam(self, array):
        return tensor(np.array(array, dtype=np.float64))

    def nudge(self, lam, step):
        with torch.no_grad():
            lam[0] += step
        return lam

    def batches(self, batches):
        return None if batches is None else {k: tensor(v) for k, v in batches.items()}

    def numpy(self, h):
        return h.detach().numpy()


class Equilibrium(Base):
    """Φ(Z, λ) = tanh(Z Aᵀ + X Bᵀ + 1cᵀ) row-wise, E(Z, λ) = mean_i CE(D z_i + b, y_i)."""

    def __init__(self, settings, data):
        s = self.s = settings
        self.x = tensor(data["x"])
        self.y = tensor(common.one_hot(data.ints("y"), s["classes"]))
        d, p, classes = s["d"], s["p"], s["classes"]
        self.sizes = [d * d, d * p, d, classes * d, classes]

    def blocks(self, lam):
        s = self.s
        a, b, c, d, bias = torch.split(lam, self.sizes)
        return (a.reshape(s["d"], s["d"]), b.reshape(s["d"], s["p"]), c,
                d.reshape(s["classes"], s["d"]), bias)

    def phi(self, z, lam):
        a, b, c, _, _ = self.blocks(lam)
        return torch.tanh(z @ a.T + self.x @ b.T + c)

    def objective(self, z, lam):
        _, _, _, d, bias = self.blocks(lam)
        return cross_entropy(z @ d.T + bias, self.y)

    def hypergradient(self, lam, batches=None):
        s = self.s
        a, b, c, _, _ = self.blocks(lam)
        with torch.no_grad():
            u0 = self.x @ b.T + c                                   # the input part, once
            z = torch.zeros(s["n"], s["d"])
            for _ in range(s["t"]):
                z = km(z, torch.tanh(z @ a.T + u0), s["eta"])
        g1, g2 = grad(self.objective, argnums=(0, 1))(z, lam)
        _, vjp_z = vjp(lambda z: torch.tanh(z @ a.T + u0), z)      # ∂₁Φ at z_t
        v = torch.zeros_like(z)
        for _ in range(s["k"]):
            v = km(v, vjp_z(v)[0] + g1, s["eta"])
        _, vjp_lam = vjp(lambda lam: self.phi(z, lam), lam)
        return g2 + vjp_lam(v)[0]


class Meta(Base):
    """Per task: Φ_i(H, R) = H − η(F_Sᵀ(softmax(F_S H) − Y_S)/NK + ρH), F_S = X_S R;
    E_i = CE(X_Q R H, Y_Q); the tasks batched on a leading axis, h = mean over the tasks."""

    def __init__(self, settings, data):
        s = self.s = settings
        x = data["x"]
        xs = x[data.ints("support_index")]                          # (T, NK, p), gathered once
        self.eta = common.meta_map_step(s, xs)
        self.xs = tensor(xs)
        self.xq = tensor(x[data.ints("query_index")])
        self.ys = tensor(common.one_hot(data.ints("support_label"), s["ways"]))
        self.yq = tensor(common.one_hot(data.ints("query_label"), s["ways"]))

    def phi_features(self, h, fs):
        nk = fs.shape[1]
        gradient = fs.transpose(1, 2) @ (torch.softmax(fs @ h, dim=-1) - self.ys) / nk
        return h - self.eta * (gradient + self.s["rho"] * h)

    def phi(self, h, r):
        return self.phi_features(h, self.xs @ r)

    def objective(self, h, r):
        return cross_entropy(self.xq @ r @ h, self.yq)              # mean over tasks and rows

    def hypergradient(self, lam, batches=None):
        s = self.s
        r = lam.reshape(s["p"], s["rank"])
        with torch.no_grad():
            fs = self.xs @ r
            h = torch.zeros(s["tasks"], s["rank"], s["ways"])
            for _ in range(s["t"]):
                h = km(h, self.phi_features(h, fs), s["eta"])
        g1, g2 = grad(self.objective, argnums=(0, 1))(h, r)
        _, vjp_h = vjp(lambda h: self.phi_features(h, fs), h)
        v = torch.zeros_like(h)
        for _ in range(s["k"]):
            v = km(v, vjp_h(v)[0] + g1, s["eta"])
        _, vjp_r = vjp(lambda r: self.phi(h, r), r)
        return (g2 + vjp_r(v)[0]).reshape(-1)


class Poisoning(Base):
    """Φ̂(W, δ; ξ) = W − η(X_ξᵀ(softmax(X_ξ W) − Y_ξ)/|ξ| + μW) on rows of [X_tr; X_p + δ],
    Ê(W; ζ) = −CE(X_ζ W, y_ζ); mini-batch SID with KM step 1 (docs/mathematics.md §2.1)."""

    def __init__(self, settings, data):
        s = self.s = settings
        self.x_clean = tensor(data["x_clean"])
        self.x_poison = tensor(data["x_poison"])
        self.x_val = tensor(data["x_val"])
        self.y = tensor(common.one_hot(
            np.concatenate([data.ints("y_clean"), data.ints("y_poison")]), s["classes"]))
        self.y_val = tensor(common.one_hot(data.ints("y_val"), s["classes"]))
        self.eta = s["map_step"]
        self.mu = common.poisoning_mu(s)

    def training_rows(self, delta):
        return torch.cat([self.x_clean, self.x_poison + delta])

    def phi_rows(self, w, x, y):
        gradient = x.T @ (torch.softmax(x @ w, dim=-1) - y) / x.shape[0]
        return w - self.eta * (gradient + self.mu * w)

    def hypergradient(self, lam, batches):
        s = self.s
        delta = lam.reshape(s["poisoned"], s["p"])
        with torch.no_grad():
            x_all = self.training_rows(delta)
            w = torch.zeros(s["p"], s["classes"])
            for idx in batches["lower"]:
                w = km(w, self.phi_rows(w, x_all[idx], self.y[idx]), s["eta"])
        zeta = batches["upper"]
        g1 = grad(lambda w: -cross_entropy(self.x_val[zeta] @ w, self.y_val[zeta]))(w)
        v = torch.zeros_like(w)
        for idx in batches["linear"]:
            _, vjp_w = vjp(lambda w: self.phi_rows(w, x_all[idx], self.y[idx]), w)
            v = km(v, vjp_w(v)[0] + g1, s["eta"])
        final = batches["final"]
        _, vjp_delta = vjp(
            lambda delta: self.phi_rows(w, self.training_rows(delta)[final], self.y[final]), delta)
        return vjp_delta(v)[0].reshape(-1)                           # ∇₂E = 0


WORKLOADS = {"equilibrium": Equilibrium, "meta": Meta, "poisoning": Poisoning}


def versions():
    return {"torch": torch.__version__, "numpy": np.__version__,
            "torch_threads": torch.get_num_threads(),
            "torch_blas": "mkl" if torch.backends.mkl.is_available() else "other"}


if __name__ == "__main__":
    common.main("torch", WORKLOADS, versions)
