"""The studio's operation runner: work in a worker process, callbacks on the GUI thread."""

from __future__ import annotations

import os
import pickle
import threading
import time

from PySide6.QtWidgets import QWidget

from studio.core import history
from studio.core.problems import ProblemError, error
from studio.gui.operations import Operations

WAIT = 60_000  # ms: the first operation starts a worker process


def test_the_work_runs_in_another_process_and_answers_on_the_gui_thread(qtbot):
    runner = Operations()
    answers: list[tuple[int, bool]] = []
    runner.run(os.getpid, success=lambda pid: answers.append(
        (pid, threading.current_thread() is threading.main_thread())))
    qtbot.waitUntil(lambda: bool(answers), timeout=WAIT)
    [(pid, on_gui_thread)] = answers
    assert pid != os.getpid() and on_gui_thread
    runner.shutdown()


def test_a_problem_comes_back_as_a_problem(qtbot, tmp_path):
    runner = Operations()
    problems = []
    runner.run(history.history, str(tmp_path), "blocks/x.md", success=lambda _: None,
               failure=problems.append)
    qtbot.waitUntil(lambda: bool(problems), timeout=WAIT)
    assert "git" in problems[0].message.lower()  # not a repository: said, not raised
    runner.shutdown()


def test_the_newest_operation_of_a_key_wins(qtbot):
    runner = Operations()
    seen: list[str] = []
    runner.run(time.sleep, 1.0, success=lambda _: seen.append("older"), key="history")
    runner.run(os.getpid, success=lambda _: seen.append("newer"), key="history")
    runner.run(time.sleep, 1.5, success=lambda _: seen.append("unkeyed"))
    qtbot.waitUntil(lambda: "unkeyed" in seen and runner.pending() == 0, timeout=WAIT)
    assert seen == ["newer", "unkeyed"]
    runner.shutdown()


def test_an_owner_that_is_gone_hears_nothing(qtbot):
    runner = Operations()
    owner = QWidget()
    seen: list[int] = []
    runner.run(time.sleep, 0.5, success=seen.append, owner=owner)
    owner.deleteLater()
    qtbot.waitUntil(lambda: runner.pending() == 0, timeout=WAIT)
    assert seen == []
    runner.shutdown()


def test_a_problem_error_crosses_processes_whole():
    problem = error("blocks/a.md", 3, 4, "something")
    back = pickle.loads(pickle.dumps(ProblemError(problem)))
    assert isinstance(back, ProblemError) and back.problem == problem


def test_operations_of_a_lane_run_one_after_the_other(qtbot):
    runner = Operations()
    order: list[str] = []
    runner.run(time.sleep, 0.8, success=lambda _: order.append("slow"), lane="git:/x")
    runner.run(os.getpid, success=lambda _: order.append("after"), lane="git:/x")
    runner.run(os.getpid, success=lambda _: order.append("other lane"), lane="git:/y")
    qtbot.waitUntil(lambda: len(order) == 3, timeout=WAIT)
    # the second waited for the first although a worker was free; the other lane did not
    assert order.index("slow") < order.index("after")
    assert order.index("other lane") < order.index("slow")
    runner.shutdown()
