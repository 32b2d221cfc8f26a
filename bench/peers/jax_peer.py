"""The JAX peer: the three workload hypergradients as a JAX user writes them: the maps and
objectives from their definitions (docs/mathematics.md §5), the lower-level gradients by
jax.grad, every vector-Jacobian product by jax.vjp, the solvers as lax loops, the whole
hypergradient under jax.jit; float64 (jax_enable_x64), CPU.

    python jax_peer.py check|time WORKLOAD DIR [--threads N] [--warmup W] [--reps R]
"""

import common  # first: applies --threads (XLA_FLAGS) before JAX loads
import numpy as np
import jax
import jax.numpy as jnp
from jax import lax

jax.config.update("jax_enable_x64", True)
jax.config.update("jax_platforms", "cpu")


def km(x, phi, eta):
    """The Krasnoselskii–Mann step (1 − η) x + η φ (η = 1: φ)."""
    return phi if eta == 1.0 else (1 - eta) * x + eta * phi


def cross_entropy(logits, one_hot):
    """Mean cross-entropy over the rows (all leading axes)."""
    return -jnp.mean(jnp.sum(one_hot * jax.nn.log_softmax(logits), axis=-1))


class Base:
    def __init__(self):
        self._nudge = jax.jit(lambda lam, step: lam.at[0].add(step), donate_argnums=0)
        self._hypergradient = jax.jit(self.compute)

    def lam(self, array):
        return jnp.asarray(array, dtype=jnp.float64)

    def nudge(self, lam, step):
        return self._nudge(lam, step)

    def batches(self, batches):
        return None if batches is None else {k: jnp.asarray(v, dtype=jnp.int32)
                                             for k, v in batches.items()}

    def hypergradient(self, lam, batches=None):
        return self._hypergradient(lam, batches).block_until_ready()

    def numpy(self, h):
        return np.asarray(h)


class Equilibrium(Base):
    """Φ(Z, λ) = tanh(Z Aᵀ + X Bᵀ + 1cᵀ) row-wise, E(Z, λ) = mean_i CE(D z_i + b, y_i)."""

    def __init__(self, settings, data):
        s = self.s = settings
        self.x = jnp.asarray(data["x"])
        self.y = jnp.asarray(common.one_hot(data.ints("y"), s["classes"]))
        d, p, classes = s["d"], s["p"], s["classes"]
        self.sizes = np.cumsum([d * d, d * p, d, classes * d, classes])[:-1].tolist()
        super().__init__()

    def blocks(self, lam):
        s = self.s
        a, b, c, d, bias = jnp.split(lam, self.sizes)
        return (a.reshape(s["d"], s["d"]), b.reshape(s["d"], s["p"]), c,
                d.reshape(s["classes"], s["d"]), bias)

    def phi(self, z, lam):
        a, b, c, _, _ = self.blocks(lam)
        return jnp.tanh(z @ a.T + self.x @ b.T + c)

    def objective(self, z, lam):
        _, _, _, d, bias = self.blocks(lam)
        return cross_entropy(z @ d.T + bias, self.y)

    def compute(self, lam, batches):
        s = self.s
        a, b, c, _, _ = self.blocks(lam)
        u0 = self.x @ b.T + c                                       # the input part, once
        z = lax.fori_loop(0, s["t"], lambda i, z: km(z, jnp.tanh(z @ a.T + u0), s["eta"]),
                          jnp.zeros((s["n"], s["d"])))
        g1, g2 = jax.grad(self.objective, argnums=(0, 1))(z, lam)
        _, vjp_z = jax.vjp(lambda z: jnp.tanh(z @ a.T + u0), z)    # ∂₁Φ at z_t
        v = lax.fori_loop(0, s["k"], lambda i, v: km(v, vjp_z(v)[0] + g1, s["eta"]),
                          jnp.zeros_like(z))
        _, vjp_lam = jax.vjp(lambda lam: self.phi(z, lam), lam)
        return g2 + vjp_lam(v)[0]


class Meta(Base):
    """Per task: g_i(H, R) = CE(X_S R H, Y_S) + (ρ/2)‖H‖², Φ_i = H − η ∇_H g_i,
    E_i = CE(X_Q R H, Y_Q); the tasks batched on a leading axis, h = mean over the tasks."""

    def __init__(self, settings, data):
        s = self.s = settings
        x = data["x"]
        xs = x[data.ints("support_index")]                          # (T, NK, p), gathered once
        self.eta = common.meta_map_step(s, xs)
        self.xs = jnp.asarray(xs)
        self.xq = jnp.asarray(x[data.ints("query_index")])
        self.ys = jnp.asarray(common.one_hot(data.ints("support_label"), s["ways"]))
        self.yq = jnp.asarray(common.one_hot(data.ints("query_label"), s["ways"]))
        super().__init__()

    def inner(self, h, fs):
        """Σ_i g_i(H_i) with the features F_S = X_S R given (the sum separates the tasks)."""
        tasks = self.s["tasks"]
        return tasks * cross_entropy(fs @ h, self.ys) + self.s["rho"] / 2 * jnp.sum(h * h)

    def phi_features(self, h, fs):
        return h - self.eta * jax.grad(self.inner)(h, fs)

    def phi(self, h, r):
        return self.phi_features(h, self.xs @ r)

    def objective(self, h, r):
        return cross_entropy(self.xq @ r @ h, self.yq)              # mean over tasks and rows

    def compute(self, lam, batches):
        s = self.s
        r = lam.reshape(s["p"], s["rank"])
        fs = self.xs @ r
        h = lax.fori_loop(0, s["t"], lambda i, h: km(h, self.phi_features(h, fs), s["eta"]),
                          jnp.zeros((s["tasks"], s["rank"], s["ways"])))
        g1, g2 = jax.grad(self.objective, argnums=(0, 1))(h, r)
        _, vjp_h = jax.vjp(lambda h: self.phi_features(h, fs), h)
        v = lax.fori_loop(0, s["k"], lambda i, v: km(v, vjp_h(v)[0] + g1, s["eta"]),
                          jnp.zeros_like(h))
        _, vjp_r = jax.vjp(lambda r: self.phi(h, r), r)
        return (g2 + vjp_r(v)[0]).ravel()


class Poisoning(Base):
    """g(W, δ; ξ) = CE(X_ξ W, y_ξ) + c·mean(W²) on rows of [X_tr; X_p + δ], Φ̂ = W − η ∇_W g,
    Ê(W; ζ) = −CE(X_ζ W, y_ζ); mini-batch SID with KM step 1 (docs/mathematics.md §2.1)."""

    def __init__(self, settings, data):
        s = self.s = settings
        self.x_clean = jnp.asarray(data["x_clean"])
        self.x_poison = jnp.asarray(data["x_poison"])
        self.x_val = jnp.asarray(data["x_val"])
        self.y = jnp.asarray(common.one_hot(
            np.concatenate([data.ints("y_clean"), data.ints("y_poison")]), s["classes"]))
        self.y_val = jnp.asarray(common.one_hot(data.ints("y_val"), s["classes"]))
        self.eta = s["map_step"]
        super().__init__()

    def training_rows(self, delta):
        return jnp.concatenate([self.x_clean, self.x_poison + delta])

    def inner(self, w, x, y):
        return cross_entropy(x @ w, y) + self.s["c"] * jnp.mean(w * w)

    def phi_rows(self, w, x, y):
        return w - self.eta * jax.grad(self.inner)(w, x, y)

    def compute(self, lam, batches):
        s = self.s
        delta = lam.reshape(s["poisoned"], s["p"])
        x_all = self.training_rows(delta)

        def lower(w, idx):
            return km(w, self.phi_rows(w, x_all[idx], self.y[idx]), s["eta"]), None

        w, _ = lax.scan(lower, jnp.zeros((s["p"], s["classes"])), batches["lower"])
        zeta = batches["upper"]
        g1 = jax.grad(lambda w: -cross_entropy(self.x_val[zeta] @ w, self.y_val[zeta]))(w)

        def linear(v, idx):
            _, vjp_w = jax.vjp(lambda w: self.phi_rows(w, x_all[idx], self.y[idx]), w)
            return km(v, vjp_w(v)[0] + g1, s["eta"]), None

        v, _ = lax.scan(linear, jnp.zeros_like(w), batches["linear"])
        final = batches["final"]
        _, vjp_delta = jax.vjp(
            lambda delta: self.phi_rows(w, self.training_rows(delta)[final], self.y[final]), delta)
        return vjp_delta(v)[0].ravel()                               # ∇₂E = 0


WORKLOADS = {"equilibrium": Equilibrium, "meta": Meta, "poisoning": Poisoning}


def versions():
    import jaxlib
    return {"jax": jax.__version__, "jaxlib": jaxlib.__version__, "numpy": np.__version__}


if __name__ == "__main__":
    common.main("jax", WORKLOADS, versions)
