"""scripts/bench/run.py: a goal's row shows the same run's SQL floor and query count beside the
figure; ``--step`` runs a subset of the steps without failing the goals of the others."""

from scripts.bench import run


def results_with(**figures):
    results = run.Results()
    for name, (value, unit) in figures.items():
        results.add(name, value, unit, "director")
    return results


def row(results, name):
    return next(r for r in results.rows if f"`{name}`" in r.workload)


def test_the_floor_and_the_query_count_are_printed_beside_the_figure():
    results = results_with(
        director_dashboard_ms=(60.0, "ms"),
        director_dashboard_sql_floor_ms=(20.0, "ms"),
        director_dashboard_queries=(29, "queries"),
        director_dashboard_small_queries=(29, "queries"),
    )
    run.goal_rows(results)
    r = row(results, "director_dashboard_ms")
    assert (
        r.value
        == "60.0 ms (SQL floor `director_dashboard_sql_floor_ms` 20.0 ms, page 3.0× floor), 29 queries (29 on small data)"
    )
    assert (r.goal, r.result) == ("< 30 ms", "FAIL")
    # Shown beside the figure, so not again among the figures without a goal.
    assert not any("figures without a goal" in r.workload for r in results.rows)


def test_a_figure_under_its_goal_passes():
    results = results_with(director_dashboard_ms=(12.5, "ms"))
    run.goal_rows(results)
    assert row(results, "director_dashboard_ms").result == "PASS"
    assert row(results, "director_dashboard_ms").value == "12.5 ms"


def test_every_goal_missing_fails_on_a_whole_run_but_not_on_a_subset():
    whole = results_with(director_dashboard_ms=(12.5, "ms"))
    run.goal_rows(whole)
    assert sum(r.result == "FAIL (missing)" for r in whole.rows) == len(run.STEP_GOALS) - 1
    subset = results_with(director_dashboard_ms=(12.5, "ms"))
    run.goal_rows(subset, subset=True)
    assert not any(r.result.startswith("FAIL") for r in subset.rows)


def test_the_director_step_runs_on_the_office_database_after_the_office():
    keys = [s.key for s in run.steps(reuse=False)]
    assert keys.index("office") < keys.index("director")
    director = next(s for s in run.steps(reuse=False) if s.key == "director")
    office = next(s for s in run.steps(reuse=False) if s.key == "office")
    assert director.env == office.env
    assert director.script == "scripts/bench/director_dashboard.py" and director.args == ["--reuse"]
