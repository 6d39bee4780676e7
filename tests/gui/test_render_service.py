"""The studio's preview workers under runaway templates: the budget ends a rendition with a
located problem, the next edit renders, and a worker that dies is replaced."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from studio.core.jobs import ProjectState, RenderJob, RenderOutcome
from studio.gui.render_service import RenderService
from tests.conftest import write_project

RUNAWAY = ('---\ntitle: Greeting\n---\n'
           '{% for a in "x"*100000 %}{% for b in "x"*100000 %}{% endfor %}{% endfor %}\n')


@pytest.fixture
def service(qtbot):  # type: ignore[no-untyped-def]
    running = RenderService()
    yield running
    running.shutdown()


def outcome_of(qtbot, service: RenderService, job: RenderJob) -> RenderOutcome:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(service.finished, timeout=60_000) as signal_:
        service.submit(job)
    outcome = signal_.args[0]
    assert isinstance(outcome, RenderOutcome)
    return outcome


def test_a_runaway_preview_ends_at_the_budget_and_the_next_edit_renders(
    qtbot, service: RenderService, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    files = {"studio.yaml": "name: T\nlocales: [it, en]\ndefault_locale: it\nlimits: {time: 2}\n",
             "blocks/greeting.md": RUNAWAY}
    root = write_project(tmp_path / "p", files)
    state = ProjectState(str(root))
    first = outcome_of(qtbot, service, RenderJob(state, "letter", "sms", "it", "typical",
                                                 generation=1))
    assert first.rendition is None and first.problem is not None
    assert str(first.problem) == "blocks/greeting.md:4:0: error: rendering took longer than 2 s"
    edited = ProjectState(str(root), (("blocks/greeting.md", "---\ntitle: G\n---\nCiao\n"),))
    second = outcome_of(qtbot, service, RenderJob(edited, "letter", "sms", "it", "typical",
                                                  generation=2))
    assert second.problem is None and second.rendition is not None
    assert second.rendition.content.startswith(b"Ciao")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_dead_preview_worker_is_replaced(
    qtbot, service: RenderService, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    root = write_project(tmp_path / "p")
    state = ProjectState(str(root))
    job = RenderJob(state, "letter", "sms", "it", "typical", generation=1)
    assert outcome_of(qtbot, service, job).rendition is not None
    for process in list(service._light._processes.values()):  # noqa: SLF001 - the test's lever
        os.kill(process.pid, signal.SIGKILL)
        process.join(10)
    # The service notices the broken pool (at submit, or when the job fails, saying so) and
    # the next job renders in a fresh worker.
    outcomes = [outcome_of(qtbot, service, RenderJob(state, "letter", "sms", "it", "typical",
                                                     generation=g)) for g in (2, 3)]
    assert outcomes[-1].rendition is not None
    for outcome in outcomes:
        assert outcome.rendition is not None or "preview worker stopped" in str(outcome.problem)


def test_a_stopped_worker_is_said_in_the_studios_language() -> None:
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    from studio.core.jobs import PREVIEW_WORKER_STOPPED
    from studio.gui.operations import Operations, _Op
    from studio.gui.render_service import _problems_of

    broken: Future[list] = Future()
    broken.set_exception(BrokenProcessPool("a worker ended abruptly"))
    [problem] = _problems_of(broken)
    assert problem.message.startswith("the validation worker stopped")
    assert problem.in_language("it") == (
        "il processo di convalida si è fermato (una resa di prova ha superato il tempo o la "
        "memoria concessi); è stato riavviato")
    assert PREVIEW_WORKER_STOPPED.in_language("it").startswith(
        "il processo delle anteprime si è fermato")
    failed: Future[int] = Future()
    failed.set_exception(ValueError("x"))
    said: list = []
    op = _Op(None, print, said.append, None)
    Operations._deliver(op, failed)  # noqa: SLF001 - how a failed operation reaches the author
    assert [p.in_language("it") for p in said] == ["errore interno: ValueError('x')"]


@pytest.mark.skipif(not hasattr(os, "nice"), reason="process priorities are POSIX")
def test_validation_runs_below_the_previews_priority(service) -> None:
    """The validation after an edit (about a second of processor on the sample) must not take
    a core from the next keystroke's previews on a 2-core machine."""
    ours = os.nice(0)
    assert service._checker.submit(os.nice, 0).result(timeout=120) == ours + 10
    assert service._light.submit(os.nice, 0).result(timeout=120) == ours


@pytest.mark.skipif(not hasattr(os, "nice"), reason="process priorities are POSIX")
def test_print_lets_the_light_previews_go_first(service) -> None:
    """A keystroke renders print and the light channels at once: print runs slightly below
    them (they take tens of ms, it a few hundred) and above the validation."""
    from studio.core.jobs import PRINT_NICENESS

    ours = os.nice(0)
    assert service._print.submit(os.nice, 0).result(timeout=120) == ours + PRINT_NICENESS
    assert 0 < PRINT_NICENESS < 10
    # a print worker replaced after it ended itself keeps its place
    service._print.shutdown(wait=True)
    service._print._broken = True
    service._replace_pool("print")
    assert service._print.submit(os.nice, 0).result(timeout=120) == ours + PRINT_NICENESS


def test_the_whole_letter_after_typing_gives_way_to_the_next_key(qtbot, service) -> None:
    """The whole letter after a pause in typing is laid out in a worker of its own, below the
    previews' priority; a key pressed meanwhile is rendered beside it, not after it, and the
    whole letter of the earlier text is given up."""
    from tests.conftest import SAMPLE

    ours = os.nice(0)
    assert service._whole.submit(os.nice, 0).result(timeout=120) == ours + 10
    state = ProjectState(str(SAMPLE))
    came: list[RenderOutcome] = []
    service.finished.connect(came.append)
    service.submit(RenderJob(state, "bill", "print", "it", "typical", generation=1),
                   background=True)
    service.submit(RenderJob(state, "bill", "print", "it", "typical", generation=2,
                             draft=True))
    # both running at once, each in its own lane (the key's does not wait in the whole's)
    assert service._lanes["print/whole"].running is not None
    assert service._lanes["print"].running is not None
    qtbot.waitUntil(lambda: len(came) == 2, timeout=120_000)
    given_up = next(outcome for outcome in came if outcome.generation == 1)
    assert given_up.rendition is None and given_up.problem is None
    assert next(o for o in came if o.generation == 2).rendition is not None
    # the next pause's whole letter is laid out to the end
    with qtbot.waitSignal(service.finished, timeout=120_000) as signal_:
        service.submit(RenderJob(state, "bill", "print", "it", "typical", generation=3),
                       background=True)
    assert signal_.args[0].rendition is not None and signal_.args[0].basis is not None


def test_a_preview_worker_collects_its_garbage_between_renders_not_during_them(
    qtbot, service: RenderService, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    """Python's collector walked a print preview's whole document mid-layout (150-250 ms of a
    bill's keystroke, every other one): in the preview workers it runs after a render, and the
    validation worker, whose runs are long, collects as usual."""
    import gc
    import time

    assert service._print.submit(gc.isenabled).result(timeout=120) is False
    assert service._light.submit(gc.isenabled).result(timeout=120) is False
    assert service._checker.submit(gc.isenabled).result(timeout=120) is True
    def full_collections() -> int:
        return service._print.submit(gc.get_stats).result(timeout=120)[2]["collections"]

    before = full_collections()
    root = write_project(tmp_path / "p")
    outcome = outcome_of(qtbot, service, RenderJob(ProjectState(str(root)), "letter", "print",
                                                   "it", "typical", generation=1))
    assert outcome.rendition is not None and outcome.rendition.content.startswith(b"%PDF")
    # Once the render is over the worker collects (a full collection) and freezes what lives
    # on (its modules, fonts, the project) out of the next ones.
    def frozen() -> int:
        return service._print.submit(gc.get_freeze_count).result(timeout=120)

    deadline = time.monotonic() + 30
    while full_collections() == before or not frozen():
        assert time.monotonic() < deadline, "the print worker never collected after its render"
        time.sleep(0.1)
    # Edits faster than renders (jobs back to back, no pause between): every render's garbage
    # is still collected, at the latest while the next one runs, and never piles up.
    from studio.core.jobs import run_render

    before = full_collections()
    jobs = [service._print.submit(run_render, RenderJob(
        ProjectState(str(root), (("blocks/greeting.md", f"---\ntitle: G\n---\nCiao {n}\n"),)),
        "letter", "print", "it", "typical", generation=2 + n)) for n in range(4)]
    assert all(job.result(timeout=120).rendition is not None for job in jobs)
    deadline = time.monotonic() + 30
    while full_collections() < before + 3:  # two ends may fall in one collection's pause
        assert time.monotonic() < deadline, f"{full_collections() - before} collections for 4"
        time.sleep(0.1)


def test_work_asked_for_while_the_workers_start_waits_for_them_and_runs(
    qtbot, service: RenderService, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    # warm_up starts the workers off the GUI thread; a preview and a validation asked for at
    # once (as opening a project does) wait in their lanes, the newest edit only, and run.
    root = write_project(tmp_path / "p")
    old = ProjectState(str(root), (("blocks/greeting.md", "---\ntitle: G\n---\nPrima\n"),))
    new = ProjectState(str(root), (("blocks/greeting.md", "---\ntitle: G\n---\nDopo\n"),))
    outcomes: list[RenderOutcome] = []
    validated: list[int] = []
    service.finished.connect(outcomes.append)
    service.validated.connect(lambda generation, _problems: validated.append(generation))
    service.warm_up()
    service.submit(RenderJob(old, "letter", "sms", "it", "typical", generation=1))
    service.submit(RenderJob(new, "letter", "sms", "it", "typical", generation=2))
    service.validate(new, 7)
    qtbot.waitUntil(lambda: bool(outcomes and validated) and not service.busy(),
                    timeout=120_000)
    [outcome] = outcomes
    assert outcome.generation == 2 and outcome.rendition is not None
    assert outcome.rendition.content.startswith(b"Dopo")
    assert validated == [7]
