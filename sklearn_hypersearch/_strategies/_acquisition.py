"""Acquisition functions, for maximization, with their gradients.

Each function takes the posterior mean ``mu`` and standard deviation
``sigma`` (standardized score units), the incumbent ``best`` and, when
``dmu``/``dsigma`` (shape (m, c)) are given, also returns the gradient of
the acquisition along those ``c`` coordinates.

Expected and probability of improvement are returned as logarithms: they
underflow to 0 far from the incumbent, where their logarithms still rank
candidates and still have useful gradients.
"""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

import math

import numpy as np
from scipy.special import erfcx, log_ndtr

_SQRT_HALF_PI = math.sqrt(math.pi / 2)
_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)


def _mills(z):
    """``Phi(z) / phi(z)``, accurate for very negative ``z``."""
    return _SQRT_HALF_PI * erfcx(-z / math.sqrt(2))


def log_ei(mu, sigma, best, xi=0.01, dmu=None, dsigma=None):
    """Log expected improvement over ``best + xi``."""
    z = (mu - best - xi) / sigma
    R = _mills(z)
    # E[max(f - best, 0)] = sigma * phi(z) * (1 + z * R(z)); for z << 0 the
    # bracket tends to 1/z^2 without cancellation trouble at double precision
    h = np.maximum(1.0 + z * R, 1e-300)
    value = np.log(sigma) - 0.5 * z * z - _LOG_SQRT_2PI + np.log(h)
    if dmu is None:
        return value
    dz = (dmu - z[:, None] * dsigma) / sigma[:, None]
    dlog_h_dz = (R / h)[:, None]
    grad = dsigma / sigma[:, None] + dlog_h_dz * dz
    return value, grad


def log_pi(mu, sigma, best, xi=0.01, dmu=None, dsigma=None):
    """Log probability of improving on ``best + xi``."""
    z = (mu - best - xi) / sigma
    value = log_ndtr(z)
    if dmu is None:
        return value
    dz = (dmu - z[:, None] * dsigma) / sigma[:, None]
    return value, dz / _mills(z)[:, None]


def ucb(mu, sigma, best=None, kappa=1.96, dmu=None, dsigma=None):
    """Upper confidence bound ``mu + kappa * sigma``.

    On a loss (skopt's convention) this is the lower confidence bound,
    hence the public name ``"lcb"``.
    """
    value = mu + kappa * sigma
    if dmu is None:
        return value
    return value, dmu + kappa * dsigma


ACQUISITIONS = {"ei": log_ei, "pi": log_pi, "lcb": ucb}
