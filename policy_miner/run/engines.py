"""Engines: run ``worker.process`` over tasks and yield the outcomes in task order.

- ``local`` with one job runs in this process (no start-up cost; tests and small corpora);
- ``local`` with N jobs uses a ``concurrent.futures`` process pool, each worker building its
  pipeline once (the pool initializer), so N documents are extracted at a time;
- ``dask`` submits the same function to a Dask cluster: a ``LocalCluster`` of N single-threaded
  worker processes by default, or the scheduler at ``--scheduler ADDRESS``. Dask's workers
  must see the corpus at the same paths (a shared file system) and have policy-miner installed.

Whatever the engine, outcomes come back in task order, so the outputs are the same for any
number of jobs; and at most a small window of tasks is in flight, so memory stays flat
however large the corpus. A local worker that dies (a crash or the OOM killer) breaks the
pool: the tasks in flight are then re-run one at a time in a fresh pool, so only the document
that kills a worker on its own is failed, and the run goes on.
"""
from __future__ import annotations

import logging
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack

from threadpoolctl import threadpool_limits

from ..pipeline import Extractor
from .worker import FAILED, Outcome, Settings, Task, process, worker_extractor

ENGINES = ("local", "dask")
TASKS_PER_WORKER = 4
"""Tasks kept in flight per worker: enough that no worker waits for the writer, few enough
that a slow document holds back only a handful of finished ones."""


def outcomes(tasks: Iterable[Task], settings: Settings, jobs: int = 1, engine: str = "local",
             scheduler: str | None = None, extractor: Extractor | None = None) -> Iterator[Outcome]:
    """The outcome of every task, in task order.

    ``extractor`` is used by a one-job local run only (the caller's pipeline, already loaded).
    """
    if engine == "dask":
        return _dask(tasks, settings, jobs, scheduler)
    if engine != "local":
        raise ValueError(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")
    if jobs <= 1:
        return (process(task, settings, extractor) for task in tasks)
    return _pool(process, tasks, settings, jobs)


def _in_order(submit: Callable[[Task], Future], tasks: Iterable[Task], window: int) -> Iterator[tuple[Task, Future]]:
    """Submit tasks ahead of the consumer, at most ``window`` in flight; yield them in order."""
    pending: deque[tuple[Task, Future]] = deque()
    for task in tasks:
        pending.append((task, submit(task)))
        if len(pending) >= window:
            yield pending.popleft()
    while pending:
        yield pending.popleft()


class EngineError(Exception):
    """The engine itself cannot run (workers that cannot start), as opposed to a bad document."""


def _alive() -> bool:
    """A no-op task: its result proves a new pool's workers started."""
    return True


def _crashed(task: Task, error: BaseException) -> Outcome:
    return Outcome(task.index, task.doc_id, task.path, FAILED, f"worker process died ({type(error).__name__})")


def _warm(segmenter: str, pkuseg_model: str | None) -> None:
    """Worker start: one BLAS thread, then build the pipeline before the first document arrives.

    Parallelism comes from the workers; a BLAS pool per worker (scikit-learn fits and
    predictions) would only make N workers fight over the same cores.
    """
    threadpool_limits(1)
    worker_extractor(segmenter, pkuseg_model)


Work = Callable[[Task, Settings], Outcome]


def _pool(work: Work, tasks: Iterable[Task], settings: Settings, jobs: int,
          initializer: Callable[[str, str | None], None] | None = None) -> Iterator[Outcome]:
    """Outcomes of ``work`` over tasks in a process pool (``initializer`` default: ``_warm``)."""
    # forkserver, not fork: the parent may run threads (progress bar), and forking a threaded
    # process can deadlock its children.
    context = multiprocessing.get_context("forkserver")

    def new_pool() -> ProcessPoolExecutor:
        """A pool whose workers have started (and built their pipelines), or EngineError."""
        pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=initializer or _warm,
                                   initargs=(settings.segmenter, settings.pkuseg_model))
        try:
            # One no-op per worker: the pool starts workers as tasks arrive, so this starts (and
            # warms) all of them together instead of the second one only when work piles up.
            for started in [pool.submit(_alive) for _ in range(jobs)]:
                started.result()
        except BrokenProcessPool as error:
            pool.shutdown(wait=True)
            raise EngineError("worker processes die as they start (see the messages above); "
                              "try --jobs 1") from error
        return pool

    def submit(task: Task) -> Future:
        try:
            return pool.submit(work, task, settings)
        except BrokenProcessPool as error:  # broke since the last result: handled like one
            broken: Future = Future()
            broken.set_exception(error)
            return broken

    pool = new_pool()
    source = iter(tasks)
    pending: deque[tuple[Task, Future]] = deque()
    try:
        while True:
            while len(pending) < jobs * TASKS_PER_WORKER and (task := next(source, None)) is not None:
                pending.append((task, submit(task)))
            if not pending:
                return
            task, future = pending[0]
            try:
                outcome = future.result()
            except BrokenProcessPool:
                broken = list(pending)
                pending.clear()
                pool.shutdown(wait=True, cancel_futures=True)
                pool = new_pool()
                for task, future in broken:
                    if future.done() and not future.cancelled() and future.exception() is None:
                        yield future.result()
                        continue
                    try:  # alone in a pool that started: if it breaks now, this document is the cause
                        yield submit(task).result()
                    except BrokenProcessPool as error:
                        yield _crashed(task, error)
                        pool.shutdown(wait=True)
                        pool = new_pool()
                continue
            pending.popleft()
            yield outcome
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _dask(tasks: Iterable[Task], settings: Settings, jobs: int, scheduler: str | None) -> Iterator[Outcome]:
    from distributed import Client, LocalCluster

    with ExitStack() as stack:
        if scheduler:
            client = stack.enter_context(Client(scheduler))
        else:
            cluster = stack.enter_context(LocalCluster(
                n_workers=max(1, jobs), threads_per_worker=1, processes=True,
                dashboard_address=None, silence_logs=logging.ERROR))
            client = stack.enter_context(Client(cluster))
        client.run(_warm, settings.segmenter, settings.pkuseg_model)
        window = max(1, sum(client.nthreads().values())) * TASKS_PER_WORKER
        for task, future in _in_order(lambda task: client.submit(process, task, settings, pure=False), tasks, window):
            try:
                yield future.result()
            except Exception as error:  # KilledWorker and the like: this document, not the run
                yield _crashed(task, error)
