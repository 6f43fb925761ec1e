"""Validation shared by the search classes."""

# Authors: The sklearn-hypersearch developers
# SPDX-License-Identifier: BSD-3-Clause

from sklearn_hypersearch._space import Categorical


def check_space_for_estimator(space, estimator, param_name):
    """Raise ValueError if a searched name is not a parameter of ``estimator``.

    A nested name ``a__b`` is valid when the estimator has it, or when ``a``
    is itself searched in the same subspace over estimators that all have
    ``b`` (a Pipeline step chosen by the search).

    Parameters
    ----------
    space : Space
    estimator : estimator instance
    param_name : str
        Name of the search's space parameter, for the message.
    """
    valid = set(estimator.get_params(deep=True))
    for i, sub in enumerate(space.subspaces):
        dims = dict(zip(sub.names, sub.dimensions))
        for name in sub.names:
            if name in valid or _valid_through_searched(name, dims):
                continue
            where = f" (subspace {i})" if space.n_subspaces > 1 else ""
            raise ValueError(
                f"Invalid parameter {name!r} in {param_name}{where} for estimator "
                f"{type(estimator).__name__}. Valid parameters are: "
                f"{sorted(valid)!r}."
            )


def _valid_through_searched(name, dims):
    parts = name.split("__")
    for cut in range(1, len(parts)):
        prefix, rest = "__".join(parts[:cut]), "__".join(parts[cut:])
        dim = dims.get(prefix)
        if not isinstance(dim, Categorical):
            continue
        choices = [c for c in dim.choices if hasattr(c, "get_params")]
        if choices and all(rest in c.get_params(deep=True) for c in choices):
            return True
    return False
