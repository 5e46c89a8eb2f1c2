"""The ``policy-miner`` command: parses options and calls the library, nothing more."""
from __future__ import annotations

import json
import sys

import click

from .pipeline import Extractor, run_corpus


@click.group()
@click.version_option(package_name="policy-miner")
def main() -> None:
    """Turn Chinese policy documents into structured, source-linked data."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("-o", "--out", "out_dir", default="outputs", show_default=True,
              type=click.Path(file_okay=False), help="Folder for the JSONL outputs and report.json.")
@click.option("--segmenter", type=click.Choice(["jieba", "pkuseg"]), default="jieba", show_default=True,
              help="Word segmenter of the spaCy zh pipeline.")
@click.option("--pkuseg-model", type=click.Path(exists=True, file_okay=False),
              help="A pkuseg model folder (with --segmenter pkuseg).")
def extract(paths: tuple[str, ...], out_dir: str, segmenter: str, pkuseg_model: str | None) -> None:
    """Extract quantities, entities and metadata from the documents under PATHS (folders or files)."""
    try:
        extractor = Extractor(segmenter=segmenter, pkuseg_model=pkuseg_model)
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    report = run_corpus(paths, out_dir, extractor)
    for entry in report.files:
        if entry["status"] == "failed":
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
