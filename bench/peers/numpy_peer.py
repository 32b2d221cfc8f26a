"""The NumPy peer: the three workload hypergradients with the derivatives written out by hand
(docs/mathematics.md §2, §5), float64, NumPy's own BLAS.

    python numpy_peer.py check|time WORKLOAD DIR [--threads N] [--warmup W] [--reps R]
"""

import common  # first: applies --threads before NumPy loads
import numpy as np


def softmax(logits):
    e = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def softmax_vjp(s, u):
    """(diag s − s sᵀ) u, row by row (the softmax Jacobian is symmetric)."""
    su = s * u
    return su - s * su.sum(axis=-1, keepdims=True)


class Base:
    def lam(self, array):
        return np.array(array, dtype=np.float64)

    def nudge(self, lam, step):
        lam[0] += step
        return lam

    def batches(self, batches):
        return batches

    def numpy(self, h):
        return h


class Equilibrium(Base):
    """Φ(z; x) = tanh(A z + B x + c), E = mean_i CE(D z_i + b, y_i), all n examples."""

    def __init__(self, settings, data):
        self.s = settings
        self.x = data["x"]
        self.y = common.one_hot(data.ints("y"), settings["classes"])

    def blocks(self, lam):
        d, p, classes = self.s["d"], self.s["p"], self.s["classes"]
        sizes = [d * d, d * p, d, classes * d, classes]
        a, b, c, dd, bias = np.split(lam, np.cumsum(sizes)[:-1])
        return a.reshape(d, d), b.reshape(d, p), c, dd.reshape(classes, d), bias

    def hypergradient(self, lam, batches=None):
        s, x, n = self.s, self.x, self.s["n"]
        a, b, c, d, bias = self.blocks(lam)
        eta = s["eta"]
        u0 = x @ b.T + c                              # the input part, once
        z = np.zeros((n, s["d"]))
        for _ in range(s["t"]):
            phi = np.tanh(z @ a.T + u0)
            z = phi if eta == 1.0 else (1 - eta) * z + eta * phi
        p = softmax(z @ d.T + bias) - self.y          # per-example ∇ of CE in the logits
        g1 = p @ d                                    # rows ∇₁E_i
        deriv = 1 - np.tanh(z @ a.T + u0) ** 2        # tanh' at z_t
        v = np.zeros_like(z)
        for _ in range(s["k"]):
            step = (deriv * v) @ a + g1               # ∂₁Φᵀ v + ∇₁E, row-wise
            v = step if eta == 1.0 else (1 - eta) * v + eta * step
        g = deriv * v
        return np.concatenate([(g.T @ z).ravel() / n, (g.T @ x).ravel() / n, g.sum(0) / n,
                               (p.T @ z).ravel() / n, p.sum(0) / n])


class Meta(Base):
    """Per task i: Φ_i(H, R) = H − η(F_Sᵀ(softmax(F_S H) − Y_S)/NK + ρH), F_S = X_S R;
    E_i = CE(F_Q H, Y_Q) (mean over the NQ query rows); h = mean over all tasks."""

    def __init__(self, settings, data):
        self.s = settings
        x = data["x"]
        ways = settings["ways"]
        # the tasks' rows, gathered once (they do not depend on R)
        self.xs = x[data.ints("support_index")]                       # (T, NK, p)
        self.xq = x[data.ints("query_index")]                         # (T, NQ, p)
        self.ys = common.one_hot(data.ints("support_label"), ways)
        self.yq = common.one_hot(data.ints("query_label"), ways)
        self.eta = common.meta_map_step(settings, self.xs)

    def hypergradient(self, lam, batches=None):
        s, eta, rho = self.s, self.eta, self.s["rho"]
        tasks, p, rank, ways = s["tasks"], s["p"], s["rank"], s["ways"]
        nk, nq = self.xs.shape[1], self.xq.shape[1]
        r = lam.reshape(p, rank)
        fs = self.xs @ r                                              # (T, NK, r)
        fq = self.xq @ r
        fst = fs.transpose(0, 2, 1)
        km = s["eta"]
        h = np.zeros((tasks, rank, ways))
        for _ in range(s["t"]):
            phi = h - eta * (fst @ (softmax(fs @ h) - self.ys) / nk + rho * h)
            h = phi if km == 1.0 else (1 - km) * h + km * phi
        pq = softmax(fq @ h) - self.yq
        g1 = fq.transpose(0, 2, 1) @ pq / nq                          # ∇_H E_i
        ss = softmax(fs @ h)                                          # at H_t
        v = np.zeros_like(h)
        for _ in range(s["k"]):
            step = (1 - eta * rho) * v - eta / nk * (fst @ softmax_vjp(ss, fs @ v)) + g1
            v = step if km == 1.0 else (1 - km) * v + km * step
        # ∂₂Φ_iᵀ v_i = X_Sᵀ D_i, D_i = −η[(S − Y) Vᵀ + ((diag s − ssᵀ) Vᵀf) Hᵀ]/NK
        ht = h.transpose(0, 2, 1)
        rows_s = -eta / nk * ((ss - self.ys) @ v.transpose(0, 2, 1) + softmax_vjp(ss, fs @ v) @ ht)
        rows_q = pq @ ht / nq                                         # ∇_R E_i = X_Qᵀ (S − Y) Hᵀ/NQ
        total = (self.xs.reshape(-1, p).T @ rows_s.reshape(-1, rank)
                 + self.xq.reshape(-1, p).T @ rows_q.reshape(-1, rank))
        return total.ravel() / tasks


class Poisoning(Base):
    """Φ̂(W, δ; ξ) = W − η(X_ξᵀ(softmax(X_ξ W) − Y_ξ)/|ξ| + μW) on rows of [X_tr; X_p + δ],
    Ê(W; ζ) = −CE(X_ζ W, y_ζ); mini-batch SID with KM step 1 (docs/mathematics.md §2.1)."""

    def __init__(self, settings, data):
        self.s = settings
        classes = settings["classes"]
        self.x_clean = data["x_clean"]
        self.x_poison = data["x_poison"]
        self.x_val = data["x_val"]
        self.y = common.one_hot(np.concatenate([data.ints("y_clean"), data.ints("y_poison")]),
                                classes)
        self.y_val = common.one_hot(data.ints("y_val"), classes)
        self.mu = common.poisoning_mu(settings)
        self.eta = settings["map_step"]

    def hypergradient(self, lam, batches):
        s, eta, mu, km = self.s, self.eta, self.mu, self.s["eta"]
        clean, poisoned, p = s["clean"], s["poisoned"], s["p"]
        delta = lam.reshape(poisoned, p)
        x_all = np.concatenate([self.x_clean, self.x_poison + delta])
        w = np.zeros((p, s["classes"]))
        for idx in batches["lower"]:
            x = x_all[idx]
            phi = w - eta * (x.T @ (softmax(x @ w) - self.y[idx]) / idx.size + mu * w)
            w = phi if km == 1.0 else (1 - km) * w + km * phi
        zeta = batches["upper"]
        xv = self.x_val[zeta]
        g1 = -xv.T @ (softmax(xv @ w) - self.y_val[zeta]) / zeta.size
        v = np.zeros_like(w)
        for idx in batches["linear"]:
            x = x_all[idx]
            curvature = softmax_vjp(softmax(x @ w), x @ v)
            step = v - eta * (x.T @ curvature / idx.size + mu * v) + g1
            v = step if km == 1.0 else (1 - km) * v + km * step
        idx = batches["final"]
        x = x_all[idx]
        probabilities = softmax(x @ w)
        rows = -eta / idx.size * ((probabilities - self.y[idx]) @ v.T
                                  + softmax_vjp(probabilities, x @ v) @ w.T)
        h = np.zeros((poisoned, p))
        mask = idx >= clean
        np.add.at(h, idx[mask] - clean, rows[mask])
        return h.ravel()


WORKLOADS = {"equilibrium": Equilibrium, "meta": Meta, "poisoning": Poisoning}


def versions():
    blas = "unknown"
    try:
        config = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        blas = config.get("openblas configuration") or config.get("name", "unknown")
    except Exception:  # noqa: BLE001  (older NumPy: no dicts mode)
        pass
    return {"numpy": np.__version__, "numpy_blas": blas}


if __name__ == "__main__":
    common.main("numpy", WORKLOADS, versions)
