"""Exact hypergradients of a validation score, one back-end per model family.

Each back-end takes a model fitted on a training fold, that fold, and a
validation fold, and returns the derivative of a smooth validation score
with respect to the model's continuous hyperparameters:

- ``Ridge``, ``RidgeClassifier`` and ``KernelRidge``: the fitted weights are
  a linear solve, so their derivative is one more solve with the same
  (factorized) matrix, as in the leave-one-out and generalized
  cross-validation formulas of Golub, Heath and Wahba (1979);
- L2 ``LogisticRegression`` and the L2 GLM regressors (``PoissonRegressor``,
  ``GammaRegressor``, ``TweedieRegressor``): implicit differentiation of
  the optimality conditions, ``d theta / d lambda = -H^{-1} d_lambda grad F``
  (HOAG, Pedregosa 2016), solved by conjugate gradients on
  Hessian-vector products;
- ``Lasso`` and ``ElasticNet``: implicit differentiation of the optimality
  conditions restricted to the active set, where the solution is smooth
  (Bertrand et al. 2020, 2022).

A *criterion* maps the model's response on the validation fold (its
prediction, class probabilities or decision function) to the score and its
derivative with respect to that response.

References
----------
Golub, Heath and Wahba (1979). Generalized cross-validation as a method for
choosing a good ridge parameter. Technometrics 21(2).
Pedregosa (2016). Hyperparameter optimization with approximate gradient.
ICML.
Bertrand, Klopfenstein, Blondel, Vaiter, Gramfort and Salmon (2020).
Implicit differentiation of Lasso-type models for hyperparameter
optimization. ICML. Extended in JMLR 23 (2022).
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
import scipy.linalg
import scipy.sparse
from sklearn.kernel_ridge import KernelRidge
from sklearn.linear_model import (
    ElasticNet,
    GammaRegressor,
    Lasso,
    LogisticRegression,
    PoissonRegressor,
    Ridge,
    RidgeClassifier,
    TweedieRegressor,
)
from sklearn.metrics import (
    brier_score_loss,
    log_loss,
    mean_gamma_deviance,
    mean_poisson_deviance,
    mean_squared_error,
    r2_score,
)

try:  # scikit-learn >= 1.4
    from sklearn.metrics import root_mean_squared_error
except ImportError:  # pragma: no cover
    root_mean_squared_error = None


def _dense(X):
    X = X.toarray() if scipy.sparse.issparse(X) else np.asarray(X)
    return X.astype(float, copy=False)


def _as_2d(y):
    y = np.asarray(y, dtype=float)
    return y.reshape(-1, 1) if y.ndim == 1 else y


# -- criteria -------------------------------------------------------------------
class Criterion:
    """A smooth score of a model's validation response, and its derivative.

    Parameters
    ----------
    name : str
        The scikit-learn scoring name it stands for.
    response : {"predict", "predict_proba", "decision_function"}
    """

    def __init__(self, name, response, func):
        self.name = name
        self.response = response
        self._func = func

    def __call__(self, y, response, classes=None):
        """Return ``(score, d score / d response)``; response as given."""
        return self._func(y, response, classes)

    def __repr__(self):
        return f"Criterion({self.name!r})"


def _mse(y, r, classes):
    y2, r2 = _as_2d(y), _as_2d(r)
    diff = r2 - y2
    return -np.mean(diff**2), (-2.0 * diff / diff.size).reshape(np.shape(r))


def _rmse(y, r, classes):
    y2, r2 = _as_2d(y), _as_2d(r)
    diff = r2 - y2
    rmse = np.sqrt(np.mean(diff**2, axis=0))
    grad = -diff / (len(diff) * diff.shape[1] * rmse)
    return -np.mean(rmse), grad.reshape(np.shape(r))


def _r2(y, r, classes):
    y2, r2 = _as_2d(y), _as_2d(r)
    diff = r2 - y2
    sst = np.sum((y2 - y2.mean(axis=0)) ** 2, axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        # a constant fold has no R^2 gradient (scikit-learn's R^2 is 0 or 1)
        score = np.mean(1.0 - np.sum(diff**2, axis=0) / sst)
        grad = np.where(sst > 0, -2.0 * diff / (diff.shape[1] * sst), 0.0)
    return score, grad.reshape(np.shape(r))


def _one_hot(y, classes):
    return (np.asarray(y)[:, None] == np.asarray(classes)[None, :]).astype(float)


def _neg_log_loss(y, proba, classes):
    onehot = _one_hot(y, classes)
    p = np.clip(proba, 1e-300, None)
    n = len(onehot)
    return np.sum(onehot * np.log(p)) / n, onehot / (n * p)


def _neg_brier(y, proba, classes):
    if len(classes) != 2:
        raise ValueError("neg_brier_score is a binary-classification score.")
    target = (np.asarray(y) == classes[1]).astype(float)
    diff = proba[:, 1] - target
    grad = np.zeros_like(proba)
    grad[:, 1] = -2.0 * diff / len(diff)
    return -np.mean(diff**2), grad


def _neg_poisson_deviance(y, mu, classes):
    y = np.asarray(y, dtype=float)
    dev = 2 * (np.where(y > 0, y * np.log(np.where(y > 0, y, 1) / mu), 0) - y + mu)
    return -np.mean(dev), -2.0 * (1.0 - y / mu) / len(y)


def _neg_gamma_deviance(y, mu, classes):
    y = np.asarray(y, dtype=float)
    dev = 2 * (np.log(mu / y) + y / mu - 1)
    return -np.mean(dev), -2.0 * (1.0 / mu - y / mu**2) / len(y)


#: score function -> (criterion name, response, function), for scorers made
#: by ``make_scorer`` with ``greater_is_better=False`` unless noted.
_BY_SCORE_FUNC = {
    mean_squared_error: ("neg_mean_squared_error", "predict", _mse, -1),
    r2_score: ("r2", "predict", _r2, 1),
    log_loss: ("neg_log_loss", "predict_proba", _neg_log_loss, -1),
    brier_score_loss: ("neg_brier_score", "predict_proba", _neg_brier, -1),
    mean_poisson_deviance: (
        "neg_mean_poisson_deviance",
        "predict",
        _neg_poisson_deviance,
        -1,
    ),
    mean_gamma_deviance: (
        "neg_mean_gamma_deviance",
        "predict",
        _neg_gamma_deviance,
        -1,
    ),
}
if root_mean_squared_error is not None:
    _BY_SCORE_FUNC[root_mean_squared_error] = (
        "neg_root_mean_squared_error",
        "predict",
        _rmse,
        -1,
    )

SMOOTH_SCORINGS = sorted(v[0] for v in _BY_SCORE_FUNC.values())

#: RidgeClassifier has no predict_proba: its smooth score is RidgeClassifierCV's
#: criterion, the squared error of decision_function on the +-1 encoding.
RIDGE_CLASSIFIER_CRITERION = Criterion(
    "neg_mean_squared_error", "decision_function", _mse
)


def criterion_of(scorer, estimator):
    """The Criterion a scikit-learn scorer computes, or a ValueError.

    Parameters
    ----------
    scorer : callable
        What ``check_scoring`` returned for the searched metric.
    estimator : estimator instance
        The final estimator (the last step of a Pipeline).
    """
    func = getattr(scorer, "_score_func", None)
    entry = _BY_SCORE_FUNC.get(func)
    if entry is None and type(scorer).__name__ == "_PassthroughScorer":
        if getattr(estimator, "_estimator_type", None) == "regressor" or (
            hasattr(estimator, "__sklearn_tags__")
            and estimator.__sklearn_tags__().estimator_type == "regressor"
        ):
            entry = _BY_SCORE_FUNC[r2_score]
            return Criterion(entry[0], entry[1], entry[2])
        raise ValueError(
            f"scoring=None scores {type(estimator).__name__} with its own score "
            "method (accuracy for a classifier), which is piecewise constant: "
            "its gradient is zero almost everywhere. Pass a smooth scoring: "
            f"one of {SMOOTH_SCORINGS}."
        )
    if (
        entry is None
        or getattr(scorer, "_sign", None) != entry[3]
        or getattr(scorer, "_kwargs", {})
    ):
        raise ValueError(
            f"GradientSearchCV cannot differentiate the scoring {scorer!r}: "
            f"exact hypergradients need one of {SMOOTH_SCORINGS} (as a string "
            "or the scorer scikit-learn makes for it). Non-smooth scores such as "
            "accuracy have a zero gradient almost everywhere; "
            "gradient='finite_difference' works with any scoring."
        )
    name, response, fn, _ = entry
    return Criterion(name, response, fn)


# -- linear algebra helpers -------------------------------------------------------
def conjugate_gradient(matvec, b, rtol=1e-12, max_iter=None):
    """Solve ``A x = b`` for a symmetric positive (semi-)definite ``A``.

    Plain conjugate gradients on a matrix-vector product; ``b`` must lie in
    the range of ``A`` when ``A`` is singular (then the minimum-norm
    solution is returned).
    """
    x = np.zeros_like(b)
    r = b.copy()
    p = r.copy()
    rs = r @ r
    stop = (rtol * np.linalg.norm(b)) ** 2
    max_iter = 10 * len(b) if max_iter is None else max_iter
    for _ in range(max_iter):
        if rs <= stop:
            break
        Ap = matvec(p)
        pAp = p @ Ap
        if pAp <= 0:
            break
        a = rs / pAp
        x += a * p
        r -= a * Ap
        rs_new = r @ r
        p = r + (rs_new / rs) * p
        rs = rs_new
    return x


def _weighted_center(X, y, sw, fit_intercept):
    if not fit_intercept:
        return X, y, np.zeros(X.shape[1]), np.zeros(y.shape[1])
    w = np.ones(len(X)) if sw is None else np.asarray(sw, dtype=float)
    xm = np.average(X, axis=0, weights=w)
    ym = np.average(y, axis=0, weights=w)
    return X - xm, y - ym, xm, ym


# -- back-ends -----------------------------------------------------------------------
class Backend:
    """Hypergradients for one family of estimators.

    Attributes
    ----------
    classes : tuple of type
        The estimator classes it serves (exact classes; subclasses such as
        ``RidgeCV`` tune their own hyperparameters and are not served).
    params : tuple of str
        The differentiable hyperparameters.
    """

    classes = ()
    params = ()
    sample_weight = True

    def check(self, estimator, names):
        """Raise ValueError if ``estimator``'s settings forbid ``names``."""
        bad = sorted(set(names) - set(self.params))
        if bad:
            raise ValueError(
                f"GradientSearchCV cannot differentiate {type(estimator).__name__}"
                f" with respect to {bad}: its exact back-end handles "
                f"{list(self.params)}. Hold the others fixed, or use "
                "gradient='finite_difference'."
            )

    def criterion(self, scorer, estimator):
        return criterion_of(scorer, estimator)

    def gradient(self, model, X, y, sw, X_val, y_val, names, criterion):
        """Return ``(score, {name: d score / d value})`` on the validation fold.

        A per-target ``alpha`` (an array) gives an array of derivatives.
        """
        raise NotImplementedError


class RidgeBackend(Backend):
    """Ridge regression: ``dW/d alpha_j = -(X'X + alpha_j I)^{-1} w_j``."""

    classes = (Ridge, RidgeClassifier)
    params = ("alpha",)

    def criterion(self, scorer, estimator):
        if isinstance(estimator, RidgeClassifier):
            if getattr(scorer, "_score_func", None) is mean_squared_error:
                return RIDGE_CLASSIFIER_CRITERION
            raise ValueError(
                "RidgeClassifier has no predict_proba, so no smooth scikit-learn "
                "score of its classes: GradientSearchCV differentiates "
                "RidgeClassifierCV's criterion, the squared error of "
                "decision_function on the +-1 class encoding, which it uses "
                "when scoring='neg_mean_squared_error'."
            )
        return criterion_of(scorer, estimator)

    def gradient(self, model, X, y, sw, X_val, y_val, names, criterion):
        X, X_val = _dense(X), _dense(X_val)
        if isinstance(model, RidgeClassifier):
            Y = _as_2d(model._label_binarizer.transform(y))
            Y_val = _as_2d(model._label_binarizer.transform(y_val))
        else:
            Y, Y_val = _as_2d(y), np.asarray(y_val)
        Xc, _, xm, _ = _weighted_center(X, Y, sw, model.fit_intercept)
        if sw is not None:
            Xc = Xc * np.sqrt(np.asarray(sw, dtype=float))[:, None]
        coef = np.asarray(model.coef_, dtype=float)
        W = _as_2d(coef.T if coef.ndim == 2 else coef)  # (n_features, n_targets)
        alphas = np.broadcast_to(np.asarray(model.alpha, dtype=float), (W.shape[1],))
        _, s, Vt = scipy.linalg.svd(Xc, full_matrices=False)
        proj = Vt @ W
        inv = Vt.T @ (proj / (s[:, None] ** 2 + alphas)) + (W - Vt.T @ proj) / alphas
        dP = (X_val - xm) @ (-inv)  # d prediction_j / d alpha_j
        pred = X_val @ W + np.asarray(model.intercept_).reshape(1, -1)
        if criterion is RIDGE_CLASSIFIER_CRITERION:
            score, g = criterion(Y_val, pred)
        else:
            pred = pred.reshape(-1) if np.ndim(y_val) == 1 else pred
            score, g = criterion(y_val, pred)
        per_target = np.sum(_as_2d(g) * dP, axis=0)
        value = per_target if np.ndim(model.alpha) else float(per_target.sum())
        return score, {"alpha": value}


class KernelRidgeBackend(Backend):
    """Kernel ridge: the dual weights solve ``(K + alpha I) a = y``."""

    classes = (KernelRidge,)
    params = ("alpha", "gamma")
    sample_weight = False

    def check(self, estimator, names):
        super().check(estimator, names)
        if "gamma" in names and estimator.kernel != "rbf":
            raise ValueError(
                "GradientSearchCV differentiates KernelRidge's gamma for "
                f"kernel='rbf' only, got kernel={estimator.kernel!r}."
            )

    def gradient(self, model, X, y, sw, X_val, y_val, names, criterion):
        X_fit = model.X_fit_
        K = model._get_kernel(X_fit)
        K_val = model._get_kernel(X_val, X_fit)
        A = _as_2d(model.dual_coef_)
        alphas = np.broadcast_to(np.asarray(model.alpha, dtype=float), (A.shape[1],))
        lam, Q = scipy.linalg.eigh(K)

        def solve(V):  # column j solved with alpha_j
            return Q @ ((Q.T @ V) / (lam[:, None] + alphas))

        pred = K_val @ A
        pred_out = pred.reshape(-1) if np.ndim(y_val) == 1 else pred
        score, g = criterion(y_val, pred_out)
        g = _as_2d(g)
        out = {}
        if "alpha" in names:
            per_target = np.sum(g * (K_val @ -solve(A)), axis=0)
            out["alpha"] = (
                per_target if np.ndim(model.alpha) else float(per_target.sum())
            )
        if "gamma" in names:
            D = _sq_dists(X_fit, X_fit)
            D_val = _sq_dists(_dense(X_val), X_fit)
            dK, dK_val = -D * K, -D_val * K_val
            dP = dK_val @ A - K_val @ solve(dK @ A)
            out["gamma"] = float(np.sum(g * dP))
        return score, out


def _sq_dists(A, B):
    A, B = _dense(A), _dense(B)
    d = (A**2).sum(1)[:, None] + (B**2).sum(1)[None, :] - 2 * A @ B.T
    return np.maximum(d, 0.0)


class _SmoothGLMBackend(Backend):
    """Implicit differentiation of a smooth, L2-penalized GLM fit.

    Subclasses give the response, the parameter layout and the Hessian of
    the training objective ``F`` as a Hessian-vector product.
    """

    def _solve(self, hvp, rhs):
        return conjugate_gradient(hvp, rhs)


class LogisticBackend(_SmoothGLMBackend):
    """L2 ``LogisticRegression``: ``F = sum_i s_i loss_i + ||W||^2 / (2C)``."""

    classes = (LogisticRegression,)
    params = ("C",)

    def check(self, estimator, names):
        super().check(estimator, names)
        penalty = getattr(estimator, "penalty", "l2")
        l1_ratio = getattr(estimator, "l1_ratio", None)
        l2 = penalty == "l2" or (penalty == "deprecated" and l1_ratio in (0, None))
        if not l2:
            raise ValueError(
                "GradientSearchCV differentiates LogisticRegression's C for the "
                f"L2 penalty only, got penalty={penalty!r}, l1_ratio={l1_ratio!r}."
            )
        if estimator.solver == "liblinear":
            raise ValueError(
                "GradientSearchCV cannot differentiate LogisticRegression with "
                "solver='liblinear', which penalizes the intercept; use 'lbfgs' "
                "or 'newton-cholesky'."
            )
        if getattr(estimator, "multi_class", "auto") == "ovr":
            raise ValueError(
                "GradientSearchCV differentiates the multinomial "
                "LogisticRegression, not multi_class='ovr'."
            )

    def gradient(self, model, X, y, sw, X_val, y_val, names, criterion):
        X, X_val = _dense(X), _dense(X_val)
        y_val = np.ravel(y_val)  # a column vector, as LogisticRegression allows
        W = np.asarray(model.coef_, dtype=float)  # (k, p), k = 1 if binary
        b = np.broadcast_to(np.asarray(model.intercept_, dtype=float), (len(W),))
        fit_b = bool(model.fit_intercept)
        k, p = W.shape
        C = float(model.C)
        s = np.ones(len(X)) if sw is None else np.asarray(sw, dtype=float)
        binary = k == 1

        def probs(Xm):
            Z = Xm @ W.T + b
            if binary:
                p1 = 1.0 / (1.0 + np.exp(-Z[:, 0]))
                return Z, np.column_stack([1 - p1, p1])
            Z = Z - Z.max(axis=1, keepdims=True)
            E = np.exp(Z)
            return Z, E / E.sum(axis=1, keepdims=True)

        _, P_val = probs(X_val)
        score, g_r = criterion(y_val, P_val, model.classes_)
        if binary:
            p1 = P_val[:, 1]
            g_z = ((g_r[:, 1] - g_r[:, 0]) * p1 * (1 - p1))[:, None]
        else:
            g_z = P_val * (g_r - np.sum(g_r * P_val, axis=1, keepdims=True))
        grad = np.concatenate([(g_z.T @ X_val).ravel(), g_z.sum(0) if fit_b else []])

        _, P = probs(X)

        def hvp(v):
            V = v[: k * p].reshape(k, p)
            U = X @ V.T + (v[k * p :] if fit_b else 0.0)
            if binary:
                R = (s * P[:, 1] * P[:, 0])[:, None] * U
            else:
                PU = P * U
                R = s[:, None] * (PU - P * PU.sum(axis=1, keepdims=True))
            out = (R.T @ X + V / C).ravel()
            return np.concatenate([out, R.sum(0)]) if fit_b else out

        z = self._solve(hvp, grad)
        # d theta / dC = H^{-1} W / C^2 (d_C grad F = -W / C^2)
        return score, {"C": float(z[: k * p] @ W.ravel()) / C**2}


class GLMBackend(_SmoothGLMBackend):
    """L2 GLM regressors: ``F = (1/sum s) sum_i s_i h_i + alpha ||w||^2 / 2``.

    ``h`` is half the unit Tweedie deviance of the estimator's power, with
    the log link (or the identity link of ``TweedieRegressor(power=0)``).
    """

    classes = (PoissonRegressor, GammaRegressor, TweedieRegressor)
    params = ("alpha",)

    def _power_link(self, model):
        if isinstance(model, PoissonRegressor):
            return 1.0, "log"
        if isinstance(model, GammaRegressor):
            return 2.0, "log"
        power = float(model.power)
        link = model.link
        if link == "auto":
            link = "identity" if power <= 0 else "log"
        return power, link

    def check(self, estimator, names):
        super().check(estimator, names)
        if isinstance(estimator, TweedieRegressor):
            power, link = self._power_link(estimator)
            if link == "identity" and power != 0:
                raise ValueError(
                    "GradientSearchCV differentiates TweedieRegressor with the "
                    "log link, or the identity link with power=0."
                )

    def gradient(self, model, X, y, sw, X_val, y_val, names, criterion):
        X, X_val = _dense(X), _dense(X_val)
        y = np.asarray(y, dtype=float)
        w = np.asarray(model.coef_, dtype=float)
        b = float(model.intercept_)
        fit_b = bool(model.fit_intercept)
        alpha = float(model.alpha)
        s = np.ones(len(X)) if sw is None else np.asarray(sw, dtype=float)
        s = s / s.sum()
        power, link = self._power_link(model)
        p = len(w)

        eta_val = X_val @ w + b
        mu_val = np.exp(eta_val) if link == "log" else eta_val
        score, g_mu = criterion(y_val, mu_val)
        g_eta = g_mu * (mu_val if link == "log" else 1.0)
        grad = np.concatenate([X_val.T @ g_eta, [g_eta.sum()] if fit_b else []])

        eta = X @ w + b
        if link == "log":
            mu = np.exp(eta)
            h2 = (2 - power) * mu ** (2 - power) - (1 - power) * y * mu ** (1 - power)
        else:
            h2 = np.ones_like(eta)
        d = s * h2

        def hvp(v):
            u = X @ v[:p] + (v[p] if fit_b else 0.0)
            r = d * u
            out = X.T @ r + alpha * v[:p]
            return np.concatenate([out, [r.sum()]]) if fit_b else out

        z = self._solve(hvp, grad)
        # d theta / d alpha = -H^{-1} [w; 0]
        return score, {"alpha": -float(z[:p] @ w)}


class ElasticNetBackend(Backend):
    """Lasso / ElasticNet, differentiated on the active set.

    ``F = ||y - Xw - b||^2 / (2n) + alpha rho ||w||_1 + alpha (1 - rho) ||w||^2 / 2``;
    on the support ``S`` the optimality conditions are smooth in
    ``(alpha, rho)``, so ``M dw_S = -d_lambda (alpha rho sign(w_S) +
    alpha (1 - rho) w_S)`` with ``M = X_S'X_S / n + alpha (1 - rho) I``.
    """

    classes = (Lasso, ElasticNet)
    params = ("alpha", "l1_ratio")
    sample_weight = False

    def check(self, estimator, names):
        super().check(estimator, names)
        if isinstance(estimator, Lasso) and "l1_ratio" in names:
            raise ValueError("Lasso has no l1_ratio; search it with ElasticNet.")

    def gradient(self, model, X, y, sw, X_val, y_val, names, criterion):
        X, X_val = _dense(X), _dense(X_val)
        Y = _as_2d(y)
        Xc, _, xm, _ = _weighted_center(X, Y, None, model.fit_intercept)
        n = len(X)
        coef = np.asarray(model.coef_, dtype=float)
        W = _as_2d(coef.T if coef.ndim == 2 else coef)  # (n_features, n_targets)
        alpha = float(model.alpha)
        rho = 1.0 if isinstance(model, Lasso) else float(model.l1_ratio)
        dA = np.zeros_like(W)
        dR = np.zeros_like(W)
        for j in range(W.shape[1]):
            S = np.flatnonzero(W[:, j])
            if len(S) == 0:
                continue
            XS = Xc[:, S]
            M = XS.T @ XS / n + alpha * (1 - rho) * np.eye(len(S))
            sign, wS = np.sign(W[S, j]), W[S, j]
            rhs = np.column_stack([rho * sign + (1 - rho) * wS, alpha * (sign - wS)])
            sol = -np.linalg.lstsq(M, rhs, rcond=None)[0]
            dA[S, j], dR[S, j] = sol[:, 0], sol[:, 1]
        pred = X_val @ W + np.asarray(model.intercept_).reshape(1, -1)
        pred_out = pred.reshape(-1) if np.ndim(y_val) == 1 else pred
        score, g = criterion(y_val, pred_out)
        g = _as_2d(g)
        Xv = X_val - xm
        out = {"alpha": float(np.sum(g * (Xv @ dA)))}
        if "l1_ratio" in names:
            out["l1_ratio"] = float(np.sum(g * (Xv @ dR)))
        return score, out


BACKENDS = (
    RidgeBackend(),
    KernelRidgeBackend(),
    LogisticBackend(),
    GLMBackend(),
    ElasticNetBackend(),
)


def backend_for(estimator):
    """The back-end serving ``type(estimator)`` exactly, or None."""
    for backend in BACKENDS:
        if type(estimator) in backend.classes:
            return backend
    return None
