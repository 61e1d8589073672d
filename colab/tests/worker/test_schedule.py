"""colab/worker/schedule.py on the same cases as test/jobs/schedule.test.ts."""
from colab.worker.schedule import SERVED_LIMIT, next_batch, record_served, run_order


def job(job_id, user_id):
    return {"job_id": job_id, "user_id": user_id}


def ids(jobs):
    return [j["job_id"] for j in jobs]


def test_round_robin_by_user_users_ordered_by_their_oldest_job():
    waiting = [
        job("05", "bob"),
        job("01", "ann"),
        job("02", "ann"),
        job("03", "ann"),
        job("04", "cy"),
        job("06", "bob"),
    ]
    assert ids(run_order(waiting)) == ["01", "04", "05", "02", "06", "03"]


def test_one_busy_user_cannot_hold_back_a_newcomer_for_more_than_one_round():
    flood = [job(f"A{i:03d}", "flooder") for i in range(50)]
    order = run_order(flood + [job("B000", "newcomer")])
    assert [j["user_id"] for j in order].index("newcomer") == 1


def test_a_batch_is_the_head_of_the_run_order():
    waiting = [job("1", "a"), job("2", "a"), job("3", "b")]
    assert ids(next_batch(waiting, 2)) == ["1", "3"]
    assert next_batch([], 4) == []


def test_strings_compare_as_javascript_compares_them():
    # U+FF5E sorts after U+1F408 by code point but before it by UTF-16 code unit (0xD83D).
    assert ids(run_order([job("\U0001F408", "a"), job("\uff5e", "b")])) == ["\U0001F408", "\uff5e"]


def test_custom_keys():
    reqs = [{"job_id": "2", "user": {"id": "x"}}, {"job_id": "1", "user": {"id": "x"}}]
    assert ids(next_batch(reqs, 1, user_id=lambda r: r["user"]["id"])) == ["1"]


def test_users_last_served_longest_ago_go_first_so_nobody_starves_behind_older_floods():
    flood = [job(f"{i}{k}", u) for i, u in enumerate("abc") for k in range(3)]
    late = job("99", "late")
    served = {}
    first = next_batch(flood + [late], 2, served)
    assert [j["user_id"] for j in first] == ["a", "b"]
    served = record_served(served, 1, [j["user_id"] for j in first])
    rest = [j for j in flood + [late] if j not in first]
    assert [j["user_id"] for j in next_batch(rest, 2, served)] == ["c", "late"]


def test_remembers_at_most_served_limit_users_the_most_recent():
    served = {}
    for b in range(1, 301):
        served = record_served(served, b, [f"user{b}"])
    assert len(served) == SERVED_LIMIT and served["user300"] == 300 and "user100" not in served


def test_trimming_keeps_the_smaller_ids_of_one_batch():
    served = record_served({}, 1, [f"u{k:03d}" for k in range(SERVED_LIMIT + 5)])
    assert sorted(served) == [f"u{k:03d}" for k in range(SERVED_LIMIT)]
