"""The ``policy-miner`` command: parses options and calls the library, nothing more."""
from __future__ import annotations

import json
import sys

import click

from .corpus import Limits
from .run import EngineError, RunError, Settings, run_corpus


@click.group()
@click.version_option(package_name="policy-miner")
def main() -> None:
    """Turn Chinese policy documents into structured, source-linked data."""


MB = 1 << 20


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("-o", "--out", "out_dir", default="outputs", show_default=True,
              type=click.Path(file_okay=False), help="Folder for the JSONL outputs, manifest and report.json.")
@click.option("--segmenter", type=click.Choice(["jieba", "pkuseg"]), default="jieba", show_default=True,
              help="Word segmenter of the spaCy zh pipeline.")
@click.option("--pkuseg-model", type=click.Path(exists=True, file_okay=False),
              help="A pkuseg model folder (with --segmenter pkuseg).")
@click.option("-j", "--jobs", type=click.IntRange(min=1),
              help="Documents processed at once [default: all cores, one per 50 files for a small corpus].")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: this machine's cores; dask: a Dask cluster (a local one unless --scheduler).")
@click.option("--scheduler", metavar="ADDRESS", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (with --engine dask).")
@click.option("--resume", is_flag=True,
              help="Keep the records of files unchanged since an earlier run into OUT (also a killed one); process the rest.")
@click.option("--progress", type=click.Choice(["auto", "bar", "lines", "off"]), default="auto", show_default=True,
              help="auto: a bar on a terminal, a line every --progress-every seconds otherwise.")
@click.option("--progress-every", type=click.FloatRange(min=0), default=30.0, show_default=True, metavar="SECONDS")
@click.option("--max-file-mb", type=click.FloatRange(min=0, min_open=True), default=Limits.max_file_bytes / MB,
              show_default=True, help="Refuse larger files.")
@click.option("--max-unpacked-mb", type=click.FloatRange(min=0, min_open=True), default=Limits.max_unpacked_bytes / MB,
              show_default=True, help="Refuse .docx archives that unpack to more (zip bombs).")
@click.option("--max-chars", type=click.IntRange(min=1), default=Limits.max_chars, show_default=True,
              help="Refuse documents with a longer text.")
@click.option("--timeout", type=click.FloatRange(min=0), default=Settings.timeout, show_default=True, metavar="SECONDS",
              help="Fail a document that takes longer (0: no limit; not enforced by --engine dask).")
def extract(paths: tuple[str, ...], out_dir: str, segmenter: str, pkuseg_model: str | None, jobs: int | None,
            engine: str, scheduler: str | None, resume: bool, progress: str, progress_every: float,
            max_file_mb: float, max_unpacked_mb: float, max_chars: int, timeout: float) -> None:
    """Extract quantities, entities, metadata and policy-tool clauses from the documents under
    PATHS (folders or files). Exit status: 0 when every file was processed or skipped, 1 when
    any failed (each is listed with its reason), 130 when interrupted (continue with --resume)."""
    if scheduler and engine != "dask":
        raise click.UsageError("--scheduler needs --engine dask")
    limits = Limits(max_file_bytes=int(max_file_mb * MB), max_unpacked_bytes=int(max_unpacked_mb * MB),
                    max_chars=max_chars)
    settings = Settings(segmenter, pkuseg_model, limits, timeout)
    extractor = None
    if (engine == "local" and jobs == 1) or segmenter == "pkuseg":  # pkuseg: a bad model is a usage error, found now
        from .pipeline import Extractor  # here only: a parent handing work to workers never needs it

        try:
            extractor = Extractor(segmenter=segmenter, pkuseg_model=pkuseg_model)
        except ValueError as error:
            raise click.UsageError(str(error)) from error
    try:
        report = run_corpus(paths, out_dir, extractor, settings=settings, jobs=jobs, engine=engine,
                            scheduler=scheduler, resume=resume, progress=progress, progress_every=progress_every)
    except (RunError, EngineError) as error:
        raise click.ClickException(str(error)) from error
    except KeyboardInterrupt:
        click.echo(f"\ninterrupted: finished documents are kept in {out_dir}; run again with --resume to go on", err=True)
        sys.exit(130)
    for entry in report.failures:
        click.echo(f"failed: {entry['path']}: {entry['reason']}", err=True)
    click.echo(report.summary(), err=True)
    sys.exit(1 if report.failed else 0)


@main.command()
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False))
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--errors", default=0, show_default=True, help="List up to N missed/spurious/wrong quantities.")
@click.option("--entity-errors", default=0, show_default=True, help="List up to N missed/spurious entities.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--docs", default="", help="Comma-separated document ids to score (default: all gold).")
def evaluate(gold_dir: str, out_dir: str, errors: int, entity_errors: int, as_json: bool, docs: str) -> None:
    """Score an output folder against gold annotations (SPEC.md section 4)."""
    from .evaluate import format_report, score

    result = score(gold_dir, out_dir, docs=[d for d in docs.split(",") if d] or None)
    if as_json:
        click.echo(json.dumps({k: v for k, v in result.items() if k != "errors"}, ensure_ascii=False, indent=1))
    else:
        click.echo(format_report(result, errors=errors, entity_errors=entity_errors))


@main.command()
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--format", "formats", multiple=True, default=("csv",), show_default=True,
              type=click.Choice(["csv", "parquet", "xlsx", "json"]),
              help="Table format; repeat for several (xlsx: one workbook, one sheet per record type).")
@click.option("--to", "to_dir", type=click.Path(file_okay=False), help="Folder for the tables [default: OUT_DIR/export].")
def export(out_dir: str, formats: tuple[str, ...], to_dir: str | None) -> None:
    """Export the records of OUT_DIR (an `extract` output folder) as flat tables, one per record type."""
    from pathlib import Path

    from .export import export_outputs
    from .io import OutputError

    try:
        written = export_outputs(out_dir, to_dir or Path(out_dir) / "export", formats)
    except OutputError as error:
        raise click.ClickException(str(error)) from error
    for path in written:
        click.echo(f"wrote {path}")


@main.command()
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--format", "fmt", type=click.Choice(["graphml", "gexf", "json"]),
              help="Write the graph in this format (default graphml, unless a query is asked).")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Graph file to write (default OUT_DIR/graph.<format>).")
@click.option("--top", type=click.Choice(["programs", "policies", "agencies", "orgs", "places"]),
              help="Rank nodes of a kind by cities, documents and mentions.")
@click.option("--neighbours", "--neighbors", "name", help="List what is linked to the node NAME, with evidence.")
@click.option("--limit", default=10, show_default=True, help="Rows of --top; links of --neighbours.")
@click.option("--evidence", default=2, show_default=True, help="Evidence sentences shown per link.")
def graph(out_dir: str, fmt: str | None, output: str | None, top: str | None, name: str | None,
          limit: int, evidence: int) -> None:
    """Link the records of OUT_DIR into a graph of documents, places, programs, policies,
    agencies, organisations and commitments; write it (GraphML, GEXF, JSON) or query it."""
    from pathlib import Path

    from . import graph as policy_graph
    from .graph import report
    from .io import OutputError, read_outputs

    try:
        built = policy_graph.build_graph(read_outputs(out_dir))
    except OutputError as error:
        raise click.ClickException(str(error)) from error
    if fmt or output or not (top or name):
        fmt = fmt or "graphml"
        path = policy_graph.write_graph(built, output or Path(out_dir) / f"graph{policy_graph.FORMATS[fmt]}", fmt)
        click.echo(f"wrote {path}: {report.summary(built)}", err=True)
    if top:
        click.echo(report.format_top(policy_graph.top(built, top, limit)))
    if name:
        try:
            nodes = policy_graph.find_nodes(built, name)
        except policy_graph.NodeNotFound as error:
            raise click.ClickException(str(error)) from error
        click.echo(report.format_neighbours(built, nodes, limit, evidence))


@main.command()
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--by", type=click.Choice(["city", "province", "doc"]), default="city", show_default=True,
              help="What to compare: the columns of the tables.")
@click.option("--to", "to_dir", type=click.Path(file_okay=False),
              help="Folder for the tables and report.html (default OUT_DIR/compare).")
def compare(out_dir: str, by: str, to_dir: str | None) -> None:
    """Compare policy tools and commitments across cities, provinces or documents of OUT_DIR;
    write CSV, XLSX and a self-contained HTML report."""
    from pathlib import Path

    from .compare import compare_outputs, tool_wide, wide
    from .io import OutputError

    try:
        result = compare_outputs(out_dir, to_dir or Path(out_dir) / "compare", by)
    except OutputError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"policy tools (clauses, share of tool clauses) by {by}:\n{tool_wide(result.tools, by).to_string()}\n")
    click.echo(f"commitments by {by}:\n{wide(result.commitments, by, 'theme', 'cell').T.to_string()}\n")
    for path in result.written:
        click.echo(f"wrote {path}", err=True)


@main.command("evaluate-tools")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--grouped/--no-grouped", default=True, show_default=True,
              help="Also score by document-grouped 5-fold cross-validation (JSON key 'grouped').")
def evaluate_tools(as_json: bool, grouped: bool) -> None:
    """Score the policy-tool classifier on the held-out split of the labelled clause set
    (trained on the rest; never scored on its training data) and, unless --no-grouped, by
    cross-validation grouped by document (no document on both sides: the honest score)."""
    from .tools import evaluate_tools as run, format_tool_scores
    from .tools.evaluate import evaluate_grouped

    result = run()
    if grouped:
        result["grouped"] = evaluate_grouped()
    click.echo(json.dumps(result, ensure_ascii=False, indent=1) if as_json else format_tool_scores(result))


if __name__ == "__main__":
    main()
