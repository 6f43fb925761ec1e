"""Measures, tables and anytime plots of the Hyperband benchmark.

A run is a dict with its ``method``, ``seed``, ``full`` (the full resource)
and ``log``: its evaluations in order, each with ``params``, ``budget``,
``score`` (mean CV score) and ``compute`` (fit and score seconds over the
CV splits). Everything here is a function of those runs and of the
held-out scores cached beside them.
"""

import math
from dataclasses import dataclass

import numpy as np

# a "full-resource" evaluation: scikit-learn's halving stops its samples at
# min_resources * factor**k, which may fall a little short of all of them
FULL_SHARE = 0.95
# success: reaching the target within this share of B
SUCCESS_SHARE = 1 / 5
OURS = ("hyperband", "bohb", "gp")
LABELS = {
    "random": "RandomizedSearchCV",
    "halving": "HalvingRandomSearchCV",
    "halving-large": "HalvingRandomSearchCV ×3",
    "hyperband": "HyperbandSearchCV random",
    "bohb": "HyperbandSearchCV bohb",
    "gp": "HyperbandSearchCV gp",
    "dehb": "DEHB",
    "hpbandster-bohb": "hpbandster BOHB",
}


def params_key(params):
    return tuple(sorted((k, repr(v)) for k, v in params.items()))


def _arrays(run):
    log = run["log"]
    compute = np.cumsum([e["compute"] for e in log])
    scores = np.array([e["score"] for e in log], dtype=float)
    full = np.array([e["budget"] >= FULL_SHARE * run["full"] for e in log])
    return compute, scores, full


def best_full(run):
    """Best full-resource CV score of a run (NaN if none)."""
    _, scores, full = _arrays(run)
    s = scores[full & np.isfinite(scores)]
    return float(s.max()) if len(s) else math.nan


def total_compute(run):
    return float(sum(e["compute"] for e in run["log"]))


def target_and_budget(runs):
    """``t`` and ``B`` from the random-search runs."""
    rand = [r for r in runs if r["method"] == "random"]
    return (
        float(np.median([best_full(r) for r in rand])),
        float(np.median([total_compute(r) for r in rand])),
    )


def time_to_target(run, target):
    """Compute at which the best full-resource score first reaches ``target``."""
    compute, scores, full = _arrays(run)
    hit = np.flatnonzero(full & (scores >= target - 1e-12))
    return float(compute[hit[0]]) if len(hit) else math.inf


def chosen(run, at):
    """Parameters of the best full-resource evaluation done within compute
    ``at`` (the first of equal scores), or None."""
    compute, scores, full = _arrays(run)
    ok = np.flatnonzero(full & (compute <= at * (1 + 1e-12)) & np.isfinite(scores))
    if not len(ok):
        return None
    return run["log"][int(ok[np.argmax(scores[ok])])]["params"]


HALVINGS = ("halving", "halving-large")


def compute_points(run, runs):
    """Where a run's chosen model is scored on held-out data: ``B/5``, the
    ``end`` and, for our runs, each halving run's total compute in the same
    seed (equal compute)."""
    _, B = target_and_budget(runs)
    points = {"B/5": B * SUCCESS_SHARE, "end": math.inf}
    if run["method"] in OURS:
        for r in runs:
            if r["method"] in HALVINGS and r["seed"] == run["seed"]:
                points[r["method"]] = total_compute(r)
    return points


def best_so_far(run, grid):
    """Best full-resource score at each compute of ``grid`` (NaN before any)."""
    compute, scores, full = _arrays(run)
    s = np.where(full & np.isfinite(scores), scores, -np.inf)
    running = np.maximum.accumulate(s) if len(s) else s
    idx = np.searchsorted(compute, grid, side="right") - 1
    out = np.full(len(grid), np.nan)
    ok = idx >= 0
    out[ok] = running[idx[ok]]
    out[np.isinf(out)] = np.nan
    return out


def progress_line(task, run):
    return (
        f"  {task.name:<12} {run['method']:<16} seed={run['seed']:<3} "
        f"evaluations={len(run['log']):<4} compute={total_compute(run):7.1f}s "
        f"wall={run['wall']:7.1f}s best full CV={best_full(run):.4f}"
    )


def _mean_se(values):
    v = np.asarray([x for x in values if np.isfinite(x)], dtype=float)
    if not len(v):
        return math.nan, math.nan
    se = v.std(ddof=1) / math.sqrt(len(v)) if len(v) > 1 else math.nan
    return float(v.mean()), float(se)


def _fmt_mean_se(values, digits=4):
    m, se = _mean_se(values)
    if math.isnan(m):
        return "n/a"
    return f"{m:.{digits}f} ± {se:.{digits}f}"


def quantiles(values, qs=(25, 50, 75)):
    """Percentiles where infinite values (never reached) are allowed."""
    v = np.asarray(values, dtype=float)
    big = np.where(np.isinf(v), 1e300, v)
    out = np.percentile(big, qs)
    return [math.inf if q > 1e250 else float(q) for q in out]


def _quartiles(values, fmt):
    q1, q2, q3 = quantiles(values)
    return f"{fmt(q2)} [{fmt(q1)}, {fmt(q3)}]"


def _ratio(x):
    return "∞" if math.isinf(x) else f"{x:.2f}"


@dataclass
class TaskSummary:
    name: str
    kind: str
    target: float
    budget: float
    rows: dict  # method -> dict of measures


def summarize(task, store):
    runs = list(store["runs"].values())
    target, B = target_and_budget(runs)
    rows = {}
    for method in dict.fromkeys(r["method"] for r in runs):
        rs = sorted((r for r in runs if r["method"] == method), key=lambda r: r["seed"])
        ttt = [time_to_target(r, target) for r in rs]
        med = quantiles(ttt, [50])[0]
        held = {}
        for r in rs:
            for label, at in compute_points(r, runs).items():
                p = chosen(r, at)
                key = (r["seed"], params_key(p)) if p is not None else None
                held.setdefault(label, {})[r["seed"]] = store["heldout"].get(
                    key, math.nan
                )
        rows[method] = dict(
            n=len(rs),
            seeds=[r["seed"] for r in rs],
            ttt=ttt,
            speedup=B / med if med > 0 else math.inf,
            success=float(np.mean([t <= SUCCESS_SHARE * B for t in ttt])),
            reached=float(np.mean([math.isfinite(t) for t in ttt])),
            compute=[total_compute(r) / B for r in rs],
            wall=[r["wall"] for r in rs],
            best_cv=[best_full(r) for r in rs],
            held=held,
            runs=rs,
        )
    return TaskSummary(task.name, task.kind, target, B, rows)


def _paired_gap(ours, peer):
    """Mean and standard error of ``ours - peer`` over the seeds of both."""
    seeds = [s for s in ours if s in peer and np.isfinite(ours[s] - peer[s])]
    d = np.array([ours[s] - peer[s] for s in seeds])
    if len(d) < 2:
        return math.nan, math.nan
    return float(d.mean()), float(d.std(ddof=1) / math.sqrt(len(d)))


# the comparisons of held-out scores at equal compute: (our point, the
# peer's method and point); ours are scored at each halving run's compute
EQUAL_COMPUTE = (
    ("B/5", "random", "B/5"),
    ("halving", "halving", "end"),
    ("halving-large", "halving-large", "end"),
    ("end", "random", "end"),
)
POINT_NAMES = {
    "B/5": "B/5",
    "end": "the end",
    "halving": "halving's compute",
    "halving-large": "halving ×3's compute",
}


def task_table(summary):
    B = summary.budget
    lines = [
        f"### {summary.name} ({summary.kind}): target t = {summary.target:.4f}, "
        f"B = {B:.1f} s",
        "",
        "| method | runs | compute / B | time to t / B, median [IQR] | speed-up "
        "| success (≤ B/5) | reached | held-out at B/5 | held-out at end "
        "| best full CV |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for method, row in _ordered(summary.rows):
        ttt = [t / B for t in row["ttt"]]
        lines.append(
            f"| {LABELS.get(method, method)} | {row['n']} "
            f"| {np.median(row['compute']):.2f} "
            f"| {_quartiles(ttt, _ratio)} "
            f"| {_ratio(row['speedup'])} | {row['success']:.1f} "
            f"| {row['reached']:.1f} "
            f"| {_fmt_mean_se(row['held']['B/5'].values())} "
            f"| {_fmt_mean_se(row['held']['end'].values())} "
            f"| {np.median(row['best_cv']):.4f} |"
        )
    gaps = []
    for ours in OURS:
        if ours not in summary.rows:
            continue
        for at, peer, peer_at in EQUAL_COMPUTE:
            if peer not in summary.rows:
                continue
            m, se = _paired_gap(
                summary.rows[ours]["held"].get(at, {}),
                summary.rows[peer]["held"][peer_at],
            )
            verdict = "ok" if not (m < -se) else "**below by more than 1 SE**"
            if math.isnan(m):
                verdict = "no model by then in some seeds"
            gaps.append(
                f"| {LABELS[ours]} at {POINT_NAMES[at]} "
                f"| {LABELS[peer]} at {POINT_NAMES[peer_at]} "
                f"| {m:+.4f} ± {se:.4f} | {verdict} |"
            )
    if gaps:
        lines += [
            "",
            "Held-out score at equal compute, ours minus the peer's, mean ± "
            "standard error over paired seeds:",
            "",
            "| ours | peer | difference | |",
            "|---|---|---|---|",
            *gaps,
        ]
    return "\n".join(lines)


def _ordered(rows):
    order = {m: i for i, m in enumerate(LABELS)}
    return sorted(rows.items(), key=lambda kv: order.get(kv[0], len(order)))


def rung_cost_table(summary, max_resources):
    """Compute of one evaluation per rung, over a full evaluation's (random
    search's median), for first rungs (fresh fits) and continued rungs."""
    rows = summary.rows.get("hyperband")
    rand = summary.rows.get("random")
    if rows is None or rand is None:
        return ""
    full = np.median([e["compute"] for r in rand["runs"] for e in r["log"]])
    by = {}
    for r in rows["runs"]:
        for e in r["log"]:
            kind = "continued" if e.get("rung", 0) else "first rung"
            by.setdefault((e["budget"], kind), []).append(e["compute"] / full)
    lines = [
        f"#### {summary.name}: cost of one evaluation (HyperbandSearchCV random)",
        "",
        "| resource | share of full | rung | evaluations | compute / full, median |",
        "|---|---|---|---|---|",
    ]
    for (budget, kind), v in sorted(by.items()):
        lines.append(
            f"| {budget} | {budget / max_resources:.3f} | {kind} | {len(v)} "
            f"| {np.median(v):.3f} |"
        )
    return "\n".join(lines)


def correlation_table(summary):
    runs = [r for m in OURS if m in summary.rows for r in summary.rows[m]["runs"]]
    runs = [r for r in runs if "rank_correlations" in r]
    if not runs:
        return ""
    pairs = {}
    for r in runs:
        for c in r["rank_correlations"]:
            if c["n_pairs"] >= 3 and np.isfinite(c["tau"]):
                pairs.setdefault((c["low"], c["high"]), []).append(c["tau"])
    n_adjusted = {
        m: sum(bool(r["adjustments"]) for r in summary.rows[m]["runs"])
        for m in OURS
        if m in summary.rows
    }
    lines = [
        f"#### {summary.name}: Kendall's tau between consecutive rungs "
        "(median over our runs)",
        "",
        "| resources | tau | runs |",
        "|---|---|---|",
    ]
    for (lo, hi), taus in sorted(pairs.items()):
        lines.append(f"| {lo} → {hi} | {np.median(taus):+.2f} | {len(taus)} |")
    lines.append("")
    lines.append(
        "Runs in which `adapt_min_resources` raised the first-rung resource: "
        + ", ".join(
            f"{LABELS[m]} {k}/{summary.rows[m]['n']}" for m, k in n_adjusted.items()
        )
        + "."
    )
    return "\n".join(lines)


def targets_table(summaries):
    """The issue's targets, per method of ours."""
    lines = [
        "| method | tasks with speed-up ≥ 5 and success ≥ 0.7 "
        "| proportional tasks with speed-up ≥ 3 | held-out below a peer by > 1 SE |",
        "|---|---|---|---|",
    ]
    for ours in OURS:
        fast, prop, n_prop, below, n = 0, 0, 0, [], 0
        for s in summaries:
            row = s.rows.get(ours)
            if row is None:
                continue
            n += 1
            fast += row["speedup"] >= 5 and row["success"] >= 0.7
            if s.kind == "proportional":
                n_prop += 1
                prop += row["speedup"] >= 3
            for at, peer, peer_at in EQUAL_COMPUTE:
                if peer in s.rows:
                    m, se = _paired_gap(
                        row["held"].get(at, {}), s.rows[peer]["held"][peer_at]
                    )
                    if m < -se:
                        below.append(
                            f"{s.name} ({LABELS[peer]} at {POINT_NAMES[peer_at]})"
                        )
        if n:
            lines.append(
                f"| {LABELS[ours]} | {fast}/{n} | {prop}/{n_prop} "
                f"| {', '.join(below) or 'none'} |"
            )
    return "\n".join(lines)


def speedup_table(summaries):
    methods = list(dict.fromkeys(m for s in summaries for m, _ in _ordered(s.rows)))
    head = "| task | " + " | ".join(LABELS.get(m, m) for m in methods) + " |"
    lines = [head, "|---|" + "---|" * len(methods)]
    for s in summaries:
        cells = []
        for m in methods:
            row = s.rows.get(m)
            cells.append(
                ""
                if row is None
                else f"{_ratio(row['speedup'])} ({row['success']:.1f})"
            )
        lines.append(f"| {s.name} ({s.kind}) | " + " | ".join(cells) + " |")
    return "\n".join(lines)


N_TASKS = 5  # the tasks of _hb_tasks.make_tasks
MIN_SEEDS = 10  # the protocol


@dataclass
class Report:
    summaries: list
    tasks: list
    skipped: dict

    @property
    def tables(self):
        parts = [
            "Speed-up B / median time to target (success rate within B/5):",
            "",
            speedup_table(self.summaries),
            "",
            targets_table(self.summaries),
        ]
        for s, task in zip(self.summaries, self.tasks):
            parts += ["", task_table(s)]
            for extra in (
                correlation_table(s),
                rung_cost_table(s, task.max_resources),
            ):
                if extra:
                    parts += ["", extra]
        if self.skipped:
            parts += ["", "Skipped peers:"]
            parts += [f"- {m}: {why}" for m, why in self.skipped.items()]
        return "\n".join(parts)

    def markdown(self, command, date, versions, figure=None):
        n_seeds = max(len(r["seeds"]) for s in self.summaries for r in s.rows.values())
        head = [
            "# Hyperband benchmark",
            "",
            f"Made by `{command}` on {date} ({versions}), {n_seeds} "
            f"seed{'s' if n_seeds != 1 else ''} per "
            "method and task, one fit at a time with one thread, on a machine "
            "shared with other jobs (fit times carry their noise). What is "
            "measured and why: the docstring of `benchmarks/bench_hyperband.py`;"
            " the tasks: `benchmarks/_hb_tasks.py`.",
            "",
            "Target t: median over seeds of the best full-resource CV score of "
            "`RandomizedSearchCV(n_iter=81)`; B: its median compute (fit and "
            "score times of every CV split). Speed-up: B over the median "
            "compute to reach t (0 where more than half the seeds never do); "
            "success: share of seeds reaching t within B/5; held-out: score on "
            "the 20 % of the data no search saw, of the best full-resource "
            "candidate evaluated by B/5 and by the end, refitted on the training "
            "data (mean ± standard error over seeds; n/a: no full-resource "
            "candidate by then). HalvingRandomSearchCV runs with its default "
            "`n_candidates` (one bracket) and ×3 with three times as many; our "
            "searches are compared with it at its compute, seed by seed.",
            "",
        ]
        seeds = sorted(
            {x for s in self.summaries for r in s.rows.values() for x in r["seeds"]}
        )
        methods = dict.fromkeys(m for s in self.summaries for m, _ in _ordered(s.rows))
        if len(self.summaries) < N_TASKS or len(seeds) < MIN_SEEDS:
            # say so where the report is read, not only in the command line
            head += [
                f"**A subset of the protocol**: {len(self.summaries)} of the "
                f"{N_TASKS} tasks ({', '.join(s.name for s in self.summaries)}), "
                f"seeds {', '.join(map(str, seeds))} (the protocol asks for at "
                f"least {MIN_SEEDS} seeds on every task); methods: "
                f"{', '.join(LABELS.get(m, m) for m in methods)}. The issue's "
                "targets are not measured by a run this small.",
                "",
            ]
        if figure:
            head += [
                f"![Anytime curves: median best full-resource CV score against "
                f"compute / B, quartile bands]({figure})",
                "",
            ]
        return "\n".join(head) + self.tables + "\n"


def report(tasks, stores, skipped):
    summaries, kept = [], []
    for task in tasks:
        store = stores[task.name]
        if not any(r["method"] == "random" for r in store["runs"].values()):
            continue
        summaries.append(summarize(task, store))
        kept.append(task)
    return Report(summaries, kept, skipped)


COLORS = {
    "random": "0.35",
    "halving": "tab:olive",
    "halving-large": "tab:brown",
    "hyperband": "tab:blue",
    "bohb": "tab:orange",
    "gp": "tab:red",
    "dehb": "tab:green",
    "hpbandster-bohb": "tab:purple",
}


def anytime_figure(tasks, stores, path):
    """Median best full-resource CV score so far against compute / B, with
    interquartile bands, one panel per task."""
    import logging

    import matplotlib

    # a peer's logging configuration may have made the root logger verbose
    logging.getLogger("matplotlib").setLevel(logging.WARNING)
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = [
        t
        for t in tasks
        if any(r["method"] == "random" for r in stores[t.name]["runs"].values())
    ]
    if not shown:
        return
    n_cols = 3
    n_rows = math.ceil((len(shown) + 1) / n_cols)
    fig, axes = plt.subplots(
        n_rows, n_cols, figsize=(4.2 * n_cols, 3.3 * n_rows), squeeze=False
    )
    grid = np.geomspace(0.01, 1.5, 120)
    handles = {}
    for ax, task in zip(axes.flat, shown):
        runs = list(stores[task.name]["runs"].values())
        target, B = target_and_budget(runs)
        lows = []
        for method in LABELS:
            rs = [r for r in runs if r["method"] == method]
            if not rs:
                continue
            curves = np.array([best_so_far(r, grid * B) for r in rs])
            # a quantile is drawn where at least half the seeds have a model
            enough = np.mean(np.isfinite(curves), axis=0) >= 0.5
            filled = np.where(np.isfinite(curves), curves, -np.inf)
            q1, q2, q3 = np.percentile(filled, [25, 50, 75], axis=0)
            q2 = np.where(enough & np.isfinite(q2), q2, np.nan)
            (line,) = ax.plot(grid, q2, color=COLORS[method], lw=1.6)
            ok = enough & np.isfinite(q1)
            ax.fill_between(grid, q1, q3, where=ok, color=COLORS[method], alpha=0.15)
            handles[method] = line
            lows.append(np.nanpercentile(q2, 10) if np.isfinite(q2).any() else np.nan)
        ax.axhline(target, color="k", ls="--", lw=0.8)
        ax.axvline(SUCCESS_SHARE, color="k", ls=":", lw=0.8)
        ax.set_xscale("log")
        ax.set_xlim(grid[0], grid[-1])
        low = np.nanmin(lows) if np.isfinite(lows).any() else None
        if low is not None:
            span = target - low
            ax.set_ylim(low - 0.1 * span, target + 0.6 * span)
        ax.set_title(f"{task.name} ({task.kind})", fontsize=10)
        ax.set_xlabel("compute / B (random search's)")
        ax.set_ylabel("best full-resource CV score")
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(shown) :]:
        ax.axis("off")
    legend_ax = list(axes.flat)[len(shown)] if len(shown) < axes.size else None
    labels = [LABELS[m] for m in handles]
    if legend_ax is not None:
        legend_ax.legend(list(handles.values()), labels, loc="center", frameon=False)
        legend_ax.text(
            0.5,
            0.02,
            "dashed: target t; dotted: B/5\nlines: median over seeds; bands: quartiles",
            ha="center",
            va="bottom",
            fontsize=8,
            transform=legend_ax.transAxes,
        )
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
