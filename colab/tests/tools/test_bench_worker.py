"""colab/tools/bench_worker.py: one tiny run prints every figure, labelled honestly."""
import contextlib
import io

from colab.tools import bench_worker


def test_a_tiny_run_prints_chars_per_second_and_the_time_per_sampling_step():
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        bench_worker.main(
            [
                "--concurrency",
                "1,2",
                "--max-chars",
                "8",
                "--repeats",
                "1",
                "--hidden-size",
                "16",
                "--story-chars",
                "120",
                "--step-streams",
                "4",
                "--naive-sample",
                "1",
                "--prompt-chars",
                "20",
                "--candidates",
                "3",
                "--candidate-story-chars",
                "300",
                "--candidate-chars",
                "8",
            ]
        )
    text = out.getvalue()
    assert "random weights (not a trained model" in text
    assert "naive chars/s" in text and "priming the prompt" in text
    line = next(x for x in text.splitlines() if x.startswith("sampling step at 4 streams, eager: "))
    assert "us per lockstep step" in line and "priming excluded, 8 steps" in line
    assert "next line of a 120-char story" in text
    line = next(x for x in text.splitlines() if x.startswith("candidates: a "))
    assert "8-char lines (stop none), 3 candidates vs 1 line" in line
    cold = next(x for x in text.splitlines() if x.strip().startswith("cold ("))
    warm = next(x for x in text.splitlines() if x.strip().startswith("warm (story cache"))
    assert all(" 1 line " in x and " 3 candidates " in x and x.endswith("x") for x in (cold, warm))
