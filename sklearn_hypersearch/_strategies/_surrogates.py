"""Surrogate models of the score for model-based search.

Every model works on one :class:`~sklearn_hypersearch._space._space.Subspace`
at a time, through its unit cube. :class:`_Encoder` turns unit arrays into
model features (categorical dimensions one-hot, derived from
``Categorical.choices``), and snaps unit coordinates of discrete dimensions to
the points their values map to, through the dimensions' own maps.

Scores are standardized by the caller; models predict in those units and
the strategy maximizes.
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import math
import warnings
import weakref

import numpy as np
from scipy.linalg import cho_solve, cholesky, lapack, solve_triangular
from scipy.optimize import minimize
from scipy.special import logsumexp
from sklearn.base import BaseEstimator, RegressorMixin, clone

from sklearn_hypersearch._space._dimensions import Categorical

_SQRT5 = math.sqrt(5.0)


class _Encoder:
    """Unit coordinates of one subspace <-> surrogate features.

    Parameters
    ----------
    subspace : Subspace

    Attributes
    ----------
    cont : ndarray of int
        Unit columns of continuous dimensions: the only ones a gradient
        optimizer may move. Their feature column is the unit column itself.
    n_features : int
    """

    def __init__(self, subspace):
        self.subspace = subspace
        self.dims = subspace.dimensions
        self.n_dims = len(self.dims)
        cont, discrete, cats, feat_of_unit = [], [], [], []
        col = 0
        for j, dim in enumerate(self.dims):
            if isinstance(dim, Categorical):
                centers = dim.to_unit(dim.choices)
                cats.append((j, centers, col))
                feat_of_unit.append(-1)
                # a one-choice categorical carries no information
                col += len(centers) if len(centers) > 1 else 0
            else:
                (cont if dim.is_continuous else discrete).append(j)
                feat_of_unit.append(col)
                col += 1
        self.cont = np.array(cont, dtype=int)
        self.discrete = discrete
        self.cats = cats
        self.feat_of_unit = np.array(feat_of_unit, dtype=int)
        self.n_features = col
        self.n_onehot = sum(len(c) for _, c, _ in cats if len(c) > 1)

    def snap(self, unit):
        """Move every row to the unit point of the value it stands for."""
        unit = np.clip(np.array(unit, dtype=float), 0.0, 1.0)
        for j in self.discrete:
            dim = self.dims[j]
            unit[:, j] = dim.to_unit(dim.from_unit(unit[:, j]))
        for j, centers, _ in self.cats:
            unit[:, j] = centers[self._cat_index(unit[:, j], centers)]
        return unit

    @staticmethod
    def _cat_index(column, centers):
        # the value's cell of the unit interval: the nearest centre
        return np.abs(column[:, None] - centers[None, :]).argmin(axis=1)

    def encode(self, unit):
        """Features of snapped unit rows, shape (n, n_features)."""
        unit = np.atleast_2d(unit)
        out = np.zeros((unit.shape[0], self.n_features))
        num = self.feat_of_unit >= 0
        out[:, self.feat_of_unit[num]] = unit[:, num]
        for j, centers, col in self.cats:
            if len(centers) > 1:
                idx = self._cat_index(unit[:, j], centers)
                out[np.arange(unit.shape[0]), col + idx] = 1.0
        return out

    def cont_features(self):
        """Feature columns of the continuous unit columns, in ``cont`` order."""
        return self.feat_of_unit[self.cont]


def _matern52(r):
    return (1.0 + _SQRT5 * r + (5.0 / 3.0) * r * r) * np.exp(-_SQRT5 * r)


def _scaled_sqdist(A, B):
    """Squared distances between rows of already length-scaled arrays."""
    d = (A * A).sum(1)[:, None] + (B * B).sum(1)[None, :] - 2.0 * A @ B.T
    return np.maximum(d, 0.0)


class GaussianProcess:
    """Gaussian process with an ARD Matern-5/2 kernel and a noise term.

    A small numpy/scipy implementation tuned for search: hyperparameters
    (one length scale per feature, signal variance, noise variance) are the
    maximum a posteriori values under weak Gamma priors, found by L-BFGS-B
    with the analytic gradient and warm-started from the previous fit;
    beyond ``max_fit`` observations they are fitted on a subset, while the
    posterior always conditions on every observation.

    Parameters
    ----------
    max_fit : int, default=250
        Most observations used to fit the hyperparameters.
    """

    # Gamma(shape, rate) priors on length scale, signal and noise variance
    # (the values BoTorch used for unit-cube inputs and standardized
    # outputs); they keep small-sample fits away from degenerate optima.
    _PRIORS = ((3.0, 6.0), (2.0, 0.15), (1.1, 0.05))
    _BOUNDS_LOG = (
        (math.log(5e-3), math.log(20.0)),
        (math.log(1e-2), math.log(50.0)),
        (math.log(1e-6), math.log(1.0)),
    )

    def __init__(self, max_fit=250):
        self.max_fit = max_fit

    # -- hyperparameters --------------------------------------------------
    def default_theta(self, n_features):
        return np.r_[np.full(n_features, math.log(0.3)), 0.0, math.log(1e-2)]

    def _bounds(self, n_features):
        ls, sv, nv = self._BOUNDS_LOG
        return [ls] * n_features + [sv, nv]

    def _neg_log_posterior(self, theta, Z, y):
        n, D = Z.shape
        ls = np.exp(theta[:D])
        s2 = math.exp(theta[D])
        noise = math.exp(theta[D + 1])
        Zs = Z / ls
        r = np.sqrt(_scaled_sqdist(Zs, Zs))
        e = np.exp(-_SQRT5 * r)
        M = (1.0 + _SQRT5 * r + (5.0 / 3.0) * r * r) * e
        K = s2 * M
        K[np.diag_indices(n)] += noise + 1e-8
        try:
            L = cholesky(K, lower=True, check_finite=False)
        except np.linalg.LinAlgError:
            return 1e10, np.zeros_like(theta)
        alpha = cho_solve((L, True), y, check_finite=False)
        nll = (
            0.5 * y @ alpha + np.log(np.diag(L)).sum() + 0.5 * n * math.log(2 * math.pi)
        )
        # K^-1 from the Cholesky factor (LAPACK potri: a third of the flops
        # of solving against the identity)
        Kinv, info = lapack.dpotri(L, lower=1)
        if info != 0:
            return 1e10, np.zeros_like(theta)
        Kinv = np.tril(Kinv) + np.tril(Kinv, -1).T
        W = Kinv - np.outer(alpha, alpha)
        grad = np.empty_like(theta)
        # d K / d log l_j = s2 * 5/3 (1 + sqrt5 r) e^{-sqrt5 r} * (dz_j / l_j)^2
        G = W * (s2 * (5.0 / 3.0) * (1.0 + _SQRT5 * r) * e)
        rs = G.sum(1)
        grad[:D] = 0.5 * (
            2.0 * (Zs * Zs * rs[:, None]).sum(0)
            - 2.0 * np.einsum("ij,ij->j", Zs, G @ Zs)
        )
        grad[D] = 0.5 * (W * K).sum() - 0.5 * (noise + 1e-8) * np.trace(W)
        grad[D + 1] = 0.5 * noise * np.trace(W)
        # Gamma(a, b) log-prior on the parameter x = exp(theta), as a
        # function of theta: (a - 1) theta - b exp(theta) (+ const)
        lp, dlp = 0.0, np.zeros_like(theta)
        for sl, (a, b) in zip(
            (slice(0, D), slice(D, D + 1), slice(D + 1, D + 2)), self._PRIORS
        ):
            x = np.exp(theta[sl])
            lp += ((a - 1.0) * theta[sl] - b * x).sum()
            dlp[sl] = (a - 1.0) - b * x
        return nll - lp, grad - dlp

    def fit(self, Z, y, theta0=None, rng=None, optimize=True, base=None):
        """Fit hyperparameters (MAP) and condition on ``(Z, y)``.

        Parameters
        ----------
        Z : ndarray of shape (n, n_features)
        y : ndarray of shape (n,)
            Standardized scores (the model's constant mean is their mean).
        theta0 : ndarray or None
            Warm start; None starts from defaults.
        rng : numpy Generator, used only to subsample beyond ``max_fit``.
        optimize : bool, default=True
            False keeps ``theta0`` (when given) and only conditions.
        base : GaussianProcess or None
            Previous model, whose factorization is reused when possible.
        """
        Z = np.asarray(Z, float)
        y = np.asarray(y, float)
        D = Z.shape[1]
        starts = [self.default_theta(D)]
        if theta0 is not None and len(theta0) == D + 2:
            starts.insert(0, np.asarray(theta0, float))
        if not optimize and theta0 is not None and len(theta0) == D + 2:
            theta = np.asarray(theta0, float)
        elif len(y) >= 3:
            Zf, yf = Z, y
            if len(y) > self.max_fit:
                # the best points shape the region that matters; the rest
                # are a random sample of the whole history
                order = np.argsort(-y)
                top = order[: self.max_fit // 3]
                rest = rng.choice(
                    order[self.max_fit // 3 :], self.max_fit - len(top), replace=False
                )
                idx = np.sort(np.r_[top, rest])
                Zf, yf = Z[idx], y[idx]
            mean = yf.mean()
            best = None
            for start in starts:
                res = minimize(
                    self._neg_log_posterior,
                    start,
                    args=(Zf, yf - mean),
                    jac=True,
                    method="L-BFGS-B",
                    bounds=self._bounds(D),
                    options={"maxiter": 60},
                )
                if best is None or res.fun < best.fun:
                    best = res
                # a warm start that converged is trusted; the default start
                # is a fallback for when the landscape moved
                if theta0 is not None and res.success:
                    break
            theta = best.x
        else:
            theta = starts[-1]
        return self.condition(Z, y, theta, base=base)

    def condition(self, Z, y, theta, n_exact=0, base=None):
        """Condition on ``(Z, y)`` with fixed hyperparameters ``theta``.

        The last ``n_exact`` observations are noise-free (fantasies). When
        ``base`` is a model with the same ``theta`` whose inputs are the
        first rows of ``Z``, its Cholesky factor is extended by the new rows
        (O(n^2) instead of O(n^3)).
        """
        Z = np.asarray(Z, float)
        y = np.asarray(y, float)
        D = Z.shape[1]
        n = len(y)
        self.theta_ = np.asarray(theta, float)
        self.ls_ = np.exp(self.theta_[:D])
        self.s2_ = math.exp(self.theta_[D])
        self.noise_ = math.exp(self.theta_[D + 1])
        self.n_exact_ = n_exact
        self.Z_ = Z
        self.y_ = y
        real = y[: n - n_exact]
        self.mean_ = float(real.mean()) if len(real) else 0.0
        self.Zs_ = Z / self.ls_
        noise = np.full(n, self.noise_ + 1e-8)
        # a fantasy is believed exactly, so that its neighbourhood loses its
        # appeal for the next candidate of the batch
        noise[n - n_exact :] = 1e-6 * self.s2_
        m = 0
        if base is not None and len(base.y_) <= n:
            # the base's rows keep their noise: its noisy/exact boundary
            # must be ours, or it has no exact row and all of ours come later
            m_b, bound = len(base.y_), n - n_exact
            same_noise = m_b - base.n_exact_ == bound or (
                base.n_exact_ == 0 and m_b <= bound
            )
            if (
                same_noise
                and np.array_equal(base.theta_, self.theta_)
                and np.array_equal(base.Z_, Z[:m_b])
            ):
                m = m_b
        if m:
            self.L_ = self._extend(base.L_, m, noise[m:])
        else:
            self.L_ = self._factor(self.Zs_, noise)
        # the model this one extends (its factor is the top-left block of
        # ours), so that quantities solved against it can be extended too
        # (a weak reference: a chain of models must not stay in memory)
        self.parent_ = weakref.ref(base) if m else None
        self.n_parent_ = m
        # beta = L^-1 (y - mean): the mean is k^T L^-T beta, i.e. beta
        # against the solved cross-covariances of PoolPosterior
        self.beta_ = solve_triangular(
            self.L_, y - self.mean_, lower=True, check_finite=False
        )
        self.alpha_ = solve_triangular(
            self.L_.T, self.beta_, lower=False, check_finite=False
        )
        return self

    def solve_cross(self, Zs_query, start=0, V=None):
        """Rows ``start:`` of ``L^-1 k(X, query)`` (shape (n - start, m)).

        ``Zs_query`` are query features divided by the length scales. With
        ``start > 0``, ``V`` holds the rows ``:start`` (those of the model
        this one extends); only the new rows are computed, in O(n m) per row
        instead of O(n^2 m) for the whole solve.
        """
        K = self._kernel(self.Zs_[start:], Zs_query)
        if start:
            K = K - self.L_[start:, :start] @ V
        return solve_triangular(
            self.L_[start:, start:], K, lower=True, check_finite=False
        )

    def _kernel(self, A, B):
        return self.s2_ * _matern52(np.sqrt(_scaled_sqdist(A, B)))

    @staticmethod
    def _cholesky(K):
        jitter = 1e-8
        while True:
            try:
                return cholesky(K, lower=True, check_finite=False)
            except np.linalg.LinAlgError:
                K[np.diag_indices(len(K))] += jitter
                jitter *= 10

    def _factor(self, Zs, noise):
        K = self._kernel(Zs, Zs)
        K[np.diag_indices(len(noise))] += noise
        return self._cholesky(K)

    def _extend(self, L, m, noise_new):
        """Cholesky factor of the kernel matrix with rows ``m:`` appended."""
        old, new = self.Zs_[:m], self.Zs_[m:]
        B = solve_triangular(
            L, self._kernel(new, old).T, lower=True, check_finite=False
        )
        K22 = self._kernel(new, new)
        K22[np.diag_indices(len(noise_new))] += noise_new
        C = self._cholesky(K22 - B.T @ B)
        n = m + len(noise_new)
        out = np.zeros((n, n))
        out[:m, :m] = L
        out[m:, :m] = B.T
        out[m:, m:] = C
        return out

    def with_fantasies(self, Z_new, y_new):
        """A copy also conditioned on exact ``(Z_new, y_new)``."""
        gp = GaussianProcess(self.max_fit)
        return gp.condition(
            np.vstack([self.Z_, Z_new]),
            np.r_[self.y_, y_new],
            self.theta_,
            n_exact=self.n_exact_ + len(y_new),
            base=self,
        )

    # -- prediction -------------------------------------------------------
    def predict(self, Z, cont=None):
        """Posterior mean and standard deviation of the latent function.

        Parameters
        ----------
        Z : ndarray of shape (m, n_features)
        cont : ndarray of int or None
            Feature columns to differentiate along; when given, also return
            the gradients ``dmu`` and ``dsigma`` of shape (m, len(cont)).
        """
        Z = np.atleast_2d(Z)
        Zs = Z / self.ls_
        r = np.sqrt(_scaled_sqdist(Zs, self.Zs_))
        e = np.exp(-_SQRT5 * r)
        k = self.s2_ * (1.0 + _SQRT5 * r + (5.0 / 3.0) * r * r) * e
        mu = self.mean_ + k @ self.alpha_
        v = solve_triangular(self.L_, k.T, lower=True, check_finite=False)
        var = np.maximum(self.s2_ - (v * v).sum(0), 1e-12)
        sigma = np.sqrt(var)
        if cont is None:
            return mu, sigma
        # d k / d z_c = -s2 * 5/3 (1 + sqrt5 r) e^{-sqrt5 r} (z_c - Z_c) / l_c^2
        # =: g (z_c - Z_c) / l_c^2; sums over the observations of g times a
        # weight w are then (z_c sum(g w) - (g w) @ Z_c) / l_c^2, one matrix
        # product for every coordinate at once
        g = -self.s2_ * (5.0 / 3.0) * (1.0 + _SQRT5 * r) * e
        Kinv_k = solve_triangular(self.L_.T, v, lower=False, check_finite=False).T
        cont = np.asarray(cont, dtype=int)
        Xc, zc, ls2 = self.Z_[:, cont], Z[:, cont], self.ls_[cont] ** 2
        A = g * self.alpha_[None, :]
        B = g * Kinv_k
        dmu = (zc * A.sum(1)[:, None] - A @ Xc) / ls2
        dvar = -2.0 * (zc * B.sum(1)[:, None] - B @ Xc) / ls2
        dsigma = dvar / (2.0 * sigma[:, None])
        return mu, sigma, dmu, dsigma


class PoolPosterior:
    """A Gaussian process's posterior on a fixed set of points, kept cheaply.

    Holds ``V = L^-1 k(X, pool)`` for the model it was computed with: the
    posterior mean is ``mean + V^T beta`` and the variance
    ``s2 - sum(V ** 2, axis=0)``. When the model is replaced by one that
    extends it (new observations or fantasies appended, hyperparameters
    unchanged), only the new rows of ``V`` are solved: O(n m) per new
    observation instead of O(n^2 m) for the whole posterior.

    Parameters
    ----------
    gp : GaussianProcess
    units : ndarray of shape (m, n_dims)
        Unit rows of the points (what the strategy proposes).
    Z : ndarray of shape (m, n_features)
        Their features.
    """

    def __init__(self, gp, units, Z):
        self.units = units
        self.Z = Z
        self.gp = gp
        self.Zs = Z / gp.ls_
        self.V = gp.solve_cross(self.Zs)
        self.sumsq = np.einsum("ij,ij->j", self.V, self.V)

    def follow(self, gp):
        """The same points' posterior under ``gp``, or None.

        Computed from this one when ``gp`` extends its model (directly or
        through models that each extend the previous one); None otherwise,
        where a fresh posterior costs as much as one of other points.
        """
        node = gp
        while node is not None and node is not self.gp:
            node = node.parent_() if node.parent_ is not None else None
        if node is None or not np.array_equal(gp.theta_, self.gp.theta_):
            return None
        n0 = len(self.gp.y_)
        out = object.__new__(PoolPosterior)
        out.units, out.Z, out.Zs, out.gp = self.units, self.Z, self.Zs, gp
        if len(gp.y_) == n0:
            out.V, out.sumsq = self.V, self.sumsq
            return out
        W = gp.solve_cross(self.Zs, start=n0, V=self.V)
        out.V = np.vstack([self.V, W])
        out.sumsq = self.sumsq + np.einsum("ij,ij->j", W, W)
        return out

    def joined(self, other):
        """One posterior of both sets of points (under the same model)."""
        if other.gp is not self.gp:
            raise ValueError("PoolPosterior.joined needs the same model.")
        out = object.__new__(PoolPosterior)
        out.gp = self.gp
        out.units = np.vstack([self.units, other.units])
        out.Z = np.vstack([self.Z, other.Z])
        out.Zs = np.vstack([self.Zs, other.Zs])
        out.V = np.hstack([self.V, other.V])
        out.sumsq = np.r_[self.sumsq, other.sumsq]
        return out

    def predict(self):
        """Posterior mean and standard deviation at the points."""
        gp = self.gp
        mu = gp.mean_ + self.V.T @ gp.beta_
        return mu, np.sqrt(np.maximum(gp.s2_ - self.sumsq, 1e-12))


class TreeEnsemble:
    """Extremely randomized trees; uncertainty is the spread of the trees.

    Parameters
    ----------
    n_estimators : int, default=32
    """

    def __init__(self, n_estimators=32):
        self.n_estimators = n_estimators

    def fit(self, Z, y, rng):
        from sklearn.tree import ExtraTreeRegressor

        # The trees of an ExtraTreesRegressor, built directly: the forest's
        # per-tree cloning and validation cost more than the trees
        # themselves on a few hundred rows.
        Z = np.asarray(Z, dtype=np.float32)
        y = np.asarray(y, dtype=float)
        seeds = rng.integers(2**31 - 1, size=self.n_estimators)
        leaf = 2 if len(y) >= 8 else 1
        self.trees_ = [
            ExtraTreeRegressor(
                min_samples_leaf=leaf, max_features=1.0, random_state=int(seed)
            ).fit(Z, y)
            for seed in seeds
        ]
        self.floor_ = 1e-3 * max(float(np.std(y)), 1e-12)
        return self

    def predict(self, Z, cont=None):
        Z = np.asarray(Z, dtype=np.float32)
        preds = np.stack([t.predict(Z, check_input=False) for t in self.trees_])
        return preds.mean(0), np.maximum(preds.std(0), self.floor_)


class RegressorSurrogate:
    """Any scikit-learn regressor as a surrogate model.

    The regressor is cloned and fitted on the encoded features; its
    ``predict`` gives the mean. The standard deviation comes, in this order,
    from ``predict(Z, return_std=True)`` when the regressor accepts it (a
    Gaussian process, :class:`QuantileBoosting`), from the spread of the
    trees of a :class:`~sklearn.ensemble.RandomForestRegressor` or
    :class:`~sklearn.ensemble.ExtraTreesRegressor` (with the variance inside
    each leaf, by the law of total variance, as in Hutter, Xu, Hoos and
    Leyton-Brown, "Algorithm runtime prediction", AIJ 2014, section 4.3.2),
    or is zero: the acquisition then follows the mean alone, and only the
    random candidates it is evaluated on and the rule that no candidate is
    proposed twice make it explore.

    Parameters
    ----------
    regressor : regressor object
        Not modified. Every ``random_state`` parameter left at None (also
        of nested estimators) is set from the strategy's generator at each
        fit, so that the search stays reproducible.
    """

    def __init__(self, regressor):
        self.regressor = regressor

    def fit(self, Z, y, rng):
        model = clone(self.regressor)
        unset = {
            name: int(rng.integers(2**31 - 1))
            for name, value in sorted(model.get_params(deep=True).items())
            if name.split("__")[-1] == "random_state" and value is None
        }
        if unset:
            model.set_params(**unset)
        with warnings.catch_warnings():
            # convergence and data-conversion warnings of a model refitted
            # at every round say nothing the user can act on
            warnings.simplefilter("ignore")
            model.fit(np.asarray(Z, dtype=float), np.asarray(y, dtype=float))
        self.model_ = model
        self._std_source = None
        self.floor_ = 1e-3 * max(float(np.std(y)), 1e-12)
        return self

    def predict(self, Z, cont=None):
        Z = np.atleast_2d(np.asarray(Z, dtype=float))
        mu, sd = self._mean_and_std(Z)
        mu = np.asarray(mu, dtype=float).reshape(-1)
        sd = np.asarray(sd, dtype=float).reshape(-1)
        return mu, np.maximum(np.nan_to_num(sd), self.floor_)

    def _mean_and_std(self, Z):
        model = self.model_
        if self._std_source in (None, "return_std"):
            try:
                out = model.predict(Z, return_std=True)
            except TypeError:
                self._std_source = "other"
            else:
                if isinstance(out, tuple) and len(out) == 2:
                    self._std_source = "return_std"
                    return out
                self._std_source = "other"
        forest = _forest_of(model)
        if forest is not None:
            return _forest_mean_and_std(forest, Z)
        return model.predict(Z), np.zeros(len(Z))


def _forest_of(model):
    from sklearn.ensemble import ExtraTreesRegressor, RandomForestRegressor

    if isinstance(model, (RandomForestRegressor, ExtraTreesRegressor)):
        return model
    return None


def _forest_mean_and_std(forest, Z):
    """Mean and standard deviation of a forest's prediction.

    Each tree is a mixture component: its leaf mean and the variance of the
    training targets in that leaf. The variance of the mixture is the mean
    of the leaf variances plus the variance of the leaf means.
    """
    Z = np.asarray(Z, dtype=np.float32)
    means, second = 0.0, 0.0
    for tree in forest.estimators_:
        leaves = tree.apply(Z)
        mean = tree.tree_.value[leaves, 0, 0]
        var = tree.tree_.impurity[leaves]
        means = means + mean
        second = second + var + mean * mean
    n = len(forest.estimators_)
    mean = means / n
    return mean, np.sqrt(np.maximum(second / n - mean * mean, 0.0))


class QuantileBoosting(RegressorMixin, BaseEstimator):
    """Gradient boosting of three quantiles, with a standard deviation.

    The model of scikit-optimize's ``"GBRT"`` surrogate: quantile
    regressions at 16 %, 50 % and 84 % (one standard deviation either side
    of the median of a normal distribution); the median is the mean and
    half the spread of the outer quantiles the standard deviation.

    Parameters
    ----------
    n_estimators : int, default=30
    random_state : int or None, default=None
    """

    def __init__(self, n_estimators=30, random_state=None):
        self.n_estimators = n_estimators
        self.random_state = random_state

    def fit(self, X, y):
        from sklearn.ensemble import GradientBoostingRegressor

        self.models_ = [
            GradientBoostingRegressor(
                loss="quantile",
                alpha=alpha,
                n_estimators=self.n_estimators,
                random_state=self.random_state,
            ).fit(X, y)
            for alpha in (0.16, 0.5, 0.84)
        ]
        return self

    def predict(self, X, return_std=False):
        low, mid, high = (m.predict(X) for m in self.models_)
        if return_std:
            return mid, np.abs(high - low) / 2.0
        return mid


def named_regressor(name):
    """The regressor behind the surrogates named ``"rf"`` and ``"gbrt"``.

    Settings of scikit-optimize's ``cook_estimator`` for its ``"RF"`` and
    ``"GBRT"`` surrogates: 100 trees with at least 3 samples per leaf, and
    30 boosting stages per quantile.
    """
    if name == "rf":
        from sklearn.ensemble import RandomForestRegressor

        return RandomForestRegressor(n_estimators=100, min_samples_leaf=3)
    if name == "gbrt":
        return QuantileBoosting(n_estimators=30)
    raise ValueError(f"No regressor is named {name!r}.")


class Parzen:
    """Multivariate Parzen density on one subspace's unit cube (for TPE).

    A mixture of product kernels centred on the observations, plus a
    uniform prior component: Gaussian kernels on numeric coordinates
    (truncation to the cube is ignored: the ratio of two such densities is
    what matters), Aitchison-Aitken kernels on categories.

    Parameters
    ----------
    encoder : _Encoder
    points : ndarray of shape (n, n_dims), snapped unit rows
    prior : bool, default=True
        Whether to include the uniform component (weight ``1 / (n + 1)``).
        Without it the density stays on its points: what a density that
        proposes points near good ones, as BOHB's, needs.
    """

    _CAT_SMOOTH = 0.2

    def __init__(self, encoder, points, prior=True):
        self.enc = encoder
        self.points = np.asarray(points, float).reshape(-1, encoder.n_dims)
        n, d = self.points.shape
        self.cat_cols = [j for j, _, _ in encoder.cats]
        self.num_cols = [j for j in range(d) if j not in self.cat_cols]
        self.cat_index = {
            j: _Encoder._cat_index(self.points[:, j], c) for j, c, _ in encoder.cats
        }
        self.n_choices = {j: len(c) for j, c, _ in encoder.cats}
        factor = (n + 1) ** (-1.0 / (len(self.num_cols) + 4))
        if n >= 2:
            spread = self.points[:, self.num_cols].std(0)
        else:
            spread = np.full(len(self.num_cols), 1 / math.sqrt(12))
        self.bw = np.clip(spread * factor, 0.02, 0.5)
        if prior:
            self.log_w = np.full(n + 1, -math.log(n + 1))  # last one: the prior
        else:
            self.log_w = np.append(np.full(n, -math.log(n)), -np.inf)

    def log_pdf(self, unit):
        unit = np.atleast_2d(unit)
        m, n = unit.shape[0], self.points.shape[0]
        comp = np.zeros((m, n))
        if self.num_cols:
            diff = (
                unit[:, None, self.num_cols] - self.points[None, :, self.num_cols]
            ) / self.bw
            comp += (-0.5 * diff * diff - np.log(self.bw * math.sqrt(2 * math.pi))).sum(
                -1
            )
        for j, centers, _ in self.enc.cats:
            k = len(centers)
            if k == 1:
                continue
            idx = _Encoder._cat_index(unit[:, j], centers)
            same = idx[:, None] == self.cat_index[j][None, :]
            lam = self._CAT_SMOOTH
            # densities w.r.t. the unit interval: each cell has width 1/k
            comp += np.where(same, math.log((1 - lam) * k), math.log(lam / (k - 1) * k))
        prior = np.zeros((m, 1))  # the uniform density on the cube is 1
        return logsumexp(np.hstack([comp, prior]) + self.log_w, axis=1)

    def sample(self, n_samples, rng):
        n, d = self.points.shape
        comp = rng.choice(n + 1, size=n_samples, p=np.exp(self.log_w))
        out = rng.uniform(size=(n_samples, d))
        from_data = comp < n
        src = self.points[comp[from_data]]
        if self.num_cols:
            noise = rng.normal(size=(src.shape[0], len(self.num_cols))) * self.bw
            out[np.ix_(from_data, self.num_cols)] = np.clip(
                src[:, self.num_cols] + noise, 0, 1
            )
        for j, centers, _ in self.enc.cats:
            k = len(centers)
            keep = rng.uniform(size=src.shape[0]) >= self._CAT_SMOOTH
            other = rng.integers(k, size=src.shape[0])
            out[from_data, j] = np.where(keep, src[:, j], centers[other])
        return self.enc.snap(out)


class DensityRatio:
    """Good and bad Parzen densities of one subspace's results (TPE, BOHB).

    The observations (unit rows of one subspace) are split into the best
    ``top_fraction`` (at least ``n_dims + 1`` of them, and at least one
    left over) and the rest; a :class:`Parzen` density is fitted on each,
    the good one without the uniform component, so that its draws stay
    near good points, the bad one with it, so that the ratio stays
    bounded where no bad point is. Non-finite scores count as the worst.

    Parameters
    ----------
    encoder : _Encoder
    units : ndarray of shape (n, n_dims)
    scores : ndarray of shape (n,)
    top_fraction : float
    """

    def __init__(self, encoder, units, scores, top_fraction):
        units = encoder.snap(np.asarray(units, dtype=float))
        scores = np.asarray(scores, dtype=float)
        scores = np.where(np.isfinite(scores), scores, -np.inf)
        n = len(scores)
        n_good = min(n - 1, max(encoder.n_dims + 1, math.ceil(top_fraction * n)))
        order = np.argsort(-scores, kind="stable")
        self.good = Parzen(encoder, units[order[:n_good]], prior=False)
        self.bad = Parzen(encoder, units[order[n_good:]])

    def argmax(self, n_proposals, rng):
        """The draw from the good density that best separates good from bad.

        Of ``n_proposals`` draws from the good density, the one with the
        largest ratio good / bad: the acquisition of TPE (Bergstra et al.,
        2011) and BOHB (Falkner et al., 2018).
        """
        proposals = self.good.sample(n_proposals, rng)
        ratio = self.good.log_pdf(proposals) - self.bad.log_pdf(proposals)
        return proposals[int(np.argmax(ratio))]
