"""Corpus runs at scale: engines agree, records stream to staging, a killed run resumes exactly."""
from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from policy_miner.pipeline import Extractor
from policy_miner.records import OUTPUT_FILES
from policy_miner.run import EngineError, RunError, Settings, run_corpus
from policy_miner.run import engines, store
from policy_miner.run.engines import _pool
from policy_miner.run.progress import Progress
from policy_miner.run.report import RunReport
from policy_miner.run.runner import exclusive
from policy_miner.run.store import JOURNAL, MANIFEST, PARTIAL, Staging, publish, run_header
from policy_miner.run.worker import FAILED, PROCESSED, Outcome, Task, process

from .bad_corpus import EXPECTED_WARNINGS, HTML_HIDDEN_MARKERS, make_bad_corpus
from .conftest import CORPUS
from .crashing_worker import die_on_crash, die_on_start, no_warm_up, raise_on_crash

PUBLISHED = (*OUTPUT_FILES.values(), MANIFEST)
EXTRA = "锦州市对新引进的博士每人给予5万元安家补贴，分3年发放。\n"


def _outputs(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in PUBLISHED}


def _corpus(root: Path, copies: int = 1) -> Path:
    """The sample documents ``copies`` times over (distinct ids), and one file that fails."""
    root.mkdir()
    for n in range(copies):
        for path in sorted(CORPUS.glob("*.txt")):
            (root / f"{path.stem}_{n}.txt").write_bytes(path.read_bytes() + EXTRA.encode() * n)
    (root / "broken.txt").write_bytes(bytes(range(256)) * 8)
    return root


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _corpus(tmp_path_factory.mktemp("run") / "corpus")


@pytest.fixture(scope="module")
def serial(small: Path, tmp_path_factory: pytest.TempPathFactory, extractor: Extractor) -> Path:
    out = tmp_path_factory.mktemp("serial")
    run_corpus([small], out, extractor)
    return out


def test_serial_run_publishes_everything_and_leaves_no_staging(serial: Path) -> None:
    report = json.loads((serial / "report.json").read_text(encoding="utf-8"))
    assert report["summary"]["processed"] == 5 and report["summary"]["failed"] == 1
    assert [f["doc"] for f in report["files"]][-1] == "broken"  # corpus order
    manifest = [json.loads(line) for line in (serial / MANIFEST).read_text(encoding="utf-8").splitlines()]
    assert manifest[0]["sizes"] == {kind: (serial / name).stat().st_size for kind, name in OUTPUT_FILES.items()}
    for entry in manifest[1:]:  # every byte range holds exactly that document's records
        for kind, name in OUTPUT_FILES.items():
            start, end = entry["ranges"][kind]
            lines = (serial / name).read_bytes()[start:end].decode("utf-8").splitlines()
            assert len(lines) == entry["counts"][kind] and {json.loads(x)["doc"] for x in lines} <= {entry["doc"]}
    assert not (serial / PARTIAL).exists()


def test_two_jobs_give_the_same_outputs(small: Path, serial: Path, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engines, "batch_size", lambda files, jobs: 4)  # a full batch and a short one
    report = run_corpus([small], tmp_path, settings=Settings(), jobs=2)
    assert report.jobs == 2 and _outputs(tmp_path) == _outputs(serial)


def test_batch_size_spreads_small_corpora_and_caps_large_ones() -> None:
    assert engines.batch_size(6, 2) == 1 and engines.batch_size(0, 2) == 1
    assert engines.batch_size(10_000, 2) == engines.MAX_BATCH
    assert all(1 <= engines.batch_size(files, jobs) <= engines.MAX_BATCH
               for files in range(0, 2000, 37) for jobs in (1, 2, 8))


def test_the_parent_of_a_run_does_not_import_the_pipeline() -> None:
    """A corpus run's parent only lists files and writes records: importing the command must not
    pull in spaCy or scikit-learn (seconds of start-up, hundreds of MB in the parent)."""
    probe = "import sys, policy_miner.cli; print(sorted({'spacy', 'sklearn', 'jieba'} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_dask_local_cluster_gives_the_same_outputs(small: Path, serial: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engines, "batch_size", lambda files, jobs: 4)
    report = run_corpus([small], tmp_path, settings=Settings(), jobs=2, engine="dask")
    assert report.engine == "dask" and report.failed == 1 and _outputs(tmp_path) == _outputs(serial)


def test_dask_scheduler_address(small: Path, serial: Path, tmp_path: Path) -> None:
    """--scheduler ADDRESS: the run goes to an existing cluster (here one started by the test)."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        run_corpus([small], tmp_path, settings=Settings(), engine="dask", scheduler=cluster.scheduler_address)
    assert _outputs(tmp_path) == _outputs(serial)


def test_resume_processes_only_new_and_changed_files(tmp_path: Path, extractor: Extractor) -> None:
    corpus = _corpus(tmp_path / "corpus")
    out = tmp_path / "out"
    run_corpus([corpus], out, extractor, resume=True)
    again = run_corpus([corpus], out, extractor, resume=True)
    assert again.count("unchanged") == 5 and again.count(PROCESSED) == 0 and again.quantities > 0
    first = sorted(corpus.glob("0*.txt"))
    first[0].write_bytes(first[0].read_bytes() + EXTRA.encode())  # changed
    shutil.copy(first[1], corpus / "000_added.txt")  # added, sorts in the middle
    first[2].unlink()  # removed
    third = run_corpus([corpus], out, extractor, resume=True)
    assert third.count(PROCESSED) == 2 and third.count("unchanged") == 3
    fresh = tmp_path / "fresh"
    run_corpus([corpus], fresh, extractor)
    assert _outputs(out) == _outputs(fresh)


def test_resume_refuses_outputs_of_other_settings(tmp_path: Path, extractor: Extractor) -> None:
    corpus = _corpus(tmp_path / "corpus")
    run_corpus([corpus], tmp_path / "out", extractor)
    with pytest.raises(RunError, match="segmenter"):
        run_corpus([corpus], tmp_path / "out", settings=Settings(segmenter="pkuseg", pkuseg_model="m"), resume=True)


def _processed(doc: str, text: str) -> Outcome:
    lines = {kind: f'{{"doc": "{doc}", "kind": "{kind}", "text": "{text}"}}\n'.encode() for kind in OUTPUT_FILES}
    return Outcome(0, doc, f"{doc}.txt", PROCESSED, sha256=doc * 4, chars=len(text), lines=lines,
                   counts=dict.fromkeys(OUTPUT_FILES, 1))


def test_staging_journals_only_records_already_on_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Journal lines are held until the record files are flushed; a kill at any moment leaves a
    journal whose every range is on disk (read here from other handles, as a resume would)."""
    monkeypatch.setattr(store, "SYNC_SECONDS", 3600.0)  # batches by count only, however slow the machine
    staging = Staging(tmp_path, run_header(Settings()), resume=False)

    def on_disk() -> tuple[list[dict], dict[str, int]]:
        journal = (tmp_path / PARTIAL / JOURNAL).read_bytes().splitlines()[1:]
        return [json.loads(line) for line in journal], {kind: (tmp_path / PARTIAL / name).stat().st_size
                                                        for kind, name in OUTPUT_FILES.items()}

    for n in range(store.SYNC_DOCUMENTS + 3):
        staging.append(_processed(f"d{n}", "一" * n))
        entries, sizes = on_disk()
        assert all(entry["ranges"][kind][1] <= sizes[kind] for entry in entries for kind in OUTPUT_FILES)
    assert len(entries) == store.SYNC_DOCUMENTS  # one batch synced, three documents held
    staging.close()
    entries, sizes = on_disk()
    assert len(entries) == store.SYNC_DOCUMENTS + 3
    assert all(entries[-1]["ranges"][kind][1] == sizes[kind] for kind in OUTPUT_FILES)


def test_publish_moves_staged_files_in_order_and_copies_the_others(tmp_path: Path) -> None:
    """A staged file holding exactly the documents in corpus order is moved into place; one that
    does not (here a document re-extracted after a change, staged twice) is copied range by range."""
    header = run_header(Settings())
    staging = Staging(tmp_path, header, resume=False)
    for doc, text in (("a", "旧"), ("b", "二")):
        staging.append(_processed(doc, text))
    staged_inode = (staging.dir / OUTPUT_FILES["quantity"]).stat().st_ino
    publish(tmp_path, staging, ["a", "b"], header)
    assert (tmp_path / OUTPUT_FILES["quantity"]).stat().st_ino == staged_inode  # moved, not copied

    staging = Staging(tmp_path, header, resume=False)
    for doc, text in (("a", "旧"), ("b", "二"), ("a", "新")):
        staging.append(_processed(doc, text))
    publish(tmp_path, staging, ["a", "b"], header)
    lines = (tmp_path / OUTPUT_FILES["quantity"]).read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["text"] for line in lines] == ["新", "二"]
    manifest = [json.loads(line) for line in (tmp_path / MANIFEST).read_text(encoding="utf-8").splitlines()[1:]]
    assert [entry["ranges"]["quantity"] for entry in manifest] == [[0, len(lines[0].encode()) + 1],
                                                                  [len(lines[0].encode()) + 1, len(lines[0].encode()) + len(lines[1].encode()) + 2]]


def test_staging_recovery_cuts_half_written_lines(tmp_path: Path) -> None:
    header = run_header(Settings())
    staging = Staging(tmp_path, header, resume=False)
    staging.append(_processed("a", "一"))
    staging.append(_processed("b", "二"))
    staging.close()
    kept = {name: (tmp_path / PARTIAL / name).read_bytes() for name in OUTPUT_FILES.values()}
    for name in OUTPUT_FILES.values():  # a third document died half-way through its lines
        with (tmp_path / PARTIAL / name).open("ab") as handle:
            handle.write('{"doc": "c", "te'.encode())
    with (tmp_path / PARTIAL / JOURNAL).open("ab") as handle:
        handle.write(b'{"doc": "c", "ranges"')
    recovered = Staging(tmp_path, header, resume=True)
    recovered.close()
    assert set(recovered.index) == {"a", "b"}
    assert {name: (tmp_path / PARTIAL / name).read_bytes() for name in OUTPUT_FILES.values()} == kept
    with pytest.raises(RunError):
        Staging(tmp_path, run_header(Settings(segmenter="pkuseg")), resume=True)


def test_a_killed_run_resumes_to_the_same_outputs(tmp_path: Path, extractor: Extractor) -> None:
    corpus = _corpus(tmp_path / "corpus", copies=6)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "policy_miner.cli", "extract", str(corpus), "-o", str(out),
               "--jobs", "1", "--progress", "off"]
    killed = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    journal = out / PARTIAL / JOURNAL
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and killed.poll() is None:
        if journal.is_file() and journal.read_bytes().count(b"\n") >= 4:  # header and 3 documents
            break
        time.sleep(0.05)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    assert not (out / "report.json").exists(), "the run finished before it could be killed"
    resumed = subprocess.run([*command, "--resume"], capture_output=True, text=True)
    assert resumed.returncode == 1, resumed.stderr  # broken.txt fails
    assert "unchanged" in resumed.stderr
    fresh = tmp_path / "fresh"
    run_corpus([corpus], fresh, extractor)
    assert _outputs(out) == _outputs(fresh)


@pytest.mark.parametrize("statuses", [[], [PROCESSED, FAILED, PROCESSED]])
def test_report_streams_file_entries_and_keeps_only_counts_and_failures(tmp_path: Path, statuses: list[str]) -> None:
    spilled = tmp_path / "report.jsonl"
    report = RunReport(spill=spilled.open("wb"))
    for n, status in enumerate(statuses):
        report.add(Outcome(n, f"d{n}", f"d{n}.txt", status, reason="bad" if status == FAILED else None))
    report.spill.close()
    report.write(tmp_path / "report.json", spilled)
    written = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert [f["doc"] for f in written["files"]] == [f"d{n}" for n in range(len(statuses))]
    assert written["summary"]["files"] == len(statuses) == report.files
    assert [f["doc"] for f in report.failures] == [f"d{n}" for n, s in enumerate(statuses) if s == FAILED]


def test_progress_lines_when_not_a_terminal() -> None:
    stream = io.StringIO()
    meter = Progress(4, mode="auto", every=0, stream=stream)
    for status in (PROCESSED, FAILED):
        meter.update(Outcome(0, "d", "d.txt", status, chars=1000))
    meter.close()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2 and lines[-1].startswith("policy-miner: 2/4 files (50.0%), 1 failed")


def test_outputs_stay_inside_the_output_folder(tmp_path: Path, extractor: Extractor) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "..bak").mkdir(parents=True)
    text = (CORPUS / "000_00f9fc98e431301e.txt").read_bytes()
    for name in ("..txt", "..bak/..txt", "-o.txt", "人才 政策 2024.txt", "report.json.txt", "quantities.txt"):
        (corpus / name).write_bytes(text)
    before = {p for p in tmp_path.rglob("*")}
    out = tmp_path / "out"
    report = run_corpus([corpus], out, extractor)
    assert report.count(PROCESSED) >= 4  # names starting with a dot are hidden clutter, not documents
    created = {p for p in tmp_path.rglob("*")} - before
    assert created and all(p == out or out in p.parents for p in created)
    assert {p.name for p in out.iterdir()} == {*PUBLISHED, "report.json"}


def test_cli_reports_progress_and_summary(small: Path, tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "policy_miner.cli", "extract", str(small), "-o", str(tmp_path),
                             "--jobs", "1", "--progress", "lines", "--progress-every", "0"],
                            capture_output=True, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert result.returncode == 1  # broken.txt
    assert "6/6 files (100.0%)" in result.stderr and "failed: " in result.stderr
    assert "5 processed" in result.stderr and "documents/s" in result.stderr and "characters/s" in result.stderr


@pytest.mark.parametrize("batch_size", [1, 3])
def test_a_worker_that_dies_fails_only_its_document(batch_size: int) -> None:
    docs = ["a", "b", "crash", "c", "d", "e", "f"]
    tasks = [Task(i, f"{doc}.txt", doc) for i, doc in enumerate(docs)]
    results = list(_pool(die_on_crash, tasks, Settings(), 2, initializer=no_warm_up, batch_size=batch_size))
    assert [r.doc_id for r in results] == docs
    assert {r.doc_id: r.status for r in results} == {**dict.fromkeys(docs, PROCESSED), "crash": FAILED}
    assert "worker process died" in results[2].reason


def test_a_dask_batch_that_fails_fails_only_its_document(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engines, "batch_size", lambda files, jobs: 3)
    docs = ["a", "b", "crash", "c", "d", "e", "f"]
    tasks = [Task(i, f"{doc}.txt", doc) for i, doc in enumerate(docs)]
    results = list(engines._dask(tasks, Settings(), 1, None, len(tasks), raise_on_crash, no_warm_up))
    assert [r.doc_id for r in results] == docs
    assert {r.doc_id: r.status for r in results} == {**dict.fromkeys(docs, PROCESSED), "crash": FAILED}


def test_bad_corpus_end_to_end_with_two_jobs(tmp_path: Path) -> None:
    """Every hostile or broken file is processed or reported with its reason, the exit status
    says some failed, the good documents' records are all there, nothing is written outside."""
    corpus = tmp_path / "bad"
    expected = make_bad_corpus(corpus)
    before = set(tmp_path.rglob("*"))
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "policy_miner.cli", "extract", str(corpus), "-o", str(out),
                             "--jobs", "2", "--progress", "off"], capture_output=True, text=True)
    assert result.returncode == 1, result.stderr
    files = json.loads((out / "report.json").read_text(encoding="utf-8"))["files"]
    assert sorted(f["doc"] for f in files) == sorted(expected)
    for entry in files:
        status, reason = expected[entry["doc"]]
        assert entry["status"] == status, entry
        assert reason is None or reason in entry["reason"], entry
        if status == FAILED:
            assert f"failed: {entry['path']}: " in result.stderr
    assert {f["doc"]: f["warning"] for f in files if f["warning"]} == EXPECTED_WARNINGS
    processed = {doc for doc, (status, _) in expected.items() if status == PROCESSED}
    documents = [json.loads(line) for line in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {d["doc"] for d in documents} == processed
    quantities = (out / "quantities.jsonl").read_text(encoding="utf-8")
    with_quantities = {json.loads(line)["doc"] for line in quantities.splitlines()}
    assert {"good", "truncated", "gb18030", "utf16-bom", "utf16-nobom", "page"} <= with_quantities <= processed
    assert not any(marker in quantities for marker in HTML_HIDDEN_MARKERS)
    created = set(tmp_path.rglob("*")) - before
    assert all(p == out or out in p.parents for p in created)


def test_workers_that_cannot_start_stop_the_run_not_the_documents() -> None:
    tasks = [Task(i, f"{doc}.txt", doc) for i, doc in enumerate("abc")]
    with pytest.raises(EngineError, match="worker processes die as they start"):
        list(_pool(die_on_crash, tasks, Settings(), 2, initializer=die_on_start))


def test_a_second_run_into_a_busy_folder_stops(tmp_path: Path, extractor: Extractor) -> None:
    with exclusive(tmp_path):
        with pytest.raises(RunError, match="in use by another policy-miner run"):
            run_corpus([CORPUS], tmp_path, extractor)
    assert not (tmp_path / PARTIAL).exists()


class _Slow:
    """An extractor that never finishes a document in time."""

    def extract(self, text: str, doc_id: str) -> None:
        time.sleep(30)


def test_a_document_over_the_timeout_fails_and_the_timer_is_cleared(tmp_path: Path) -> None:
    path = tmp_path / "slow.txt"
    path.write_text(EXTRA, encoding="utf-8")
    outcome = process(Task(0, str(path), "slow"), Settings(timeout=0.2), _Slow())
    assert outcome.status == FAILED and "took longer than 0.2s (raise with --timeout)" in outcome.reason
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
