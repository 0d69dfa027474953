"""The `vacscreen` command: screen files, evaluate against gold, train the trained component."""
from __future__ import annotations

import csv
import json
import os
from collections import Counter
import sys
from pathlib import Path
from typing import Iterator, Optional

import typer
from tqdm import tqdm

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)


@app.callback()
def _start() -> None:
    from vacscreen.settings import quiet_torch_notices

    quiet_torch_notices()


INPUTS = (".jsonl", ".csv", ".parquet", ".txt", ".html", ".htm")
OUTPUTS = (".jsonl", ".csv", ".parquet")


class InputFileError(Exception):
    """An input file that cannot be read (corrupt, truncated): one line for the user, exit code 2."""


def input_fingerprint(path: Path) -> dict:
    """What identifies an input for resuming: its SHA-256 and size (ids may be absent or repeat)."""
    import hashlib

    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return {"sha256": h.hexdigest(), "bytes": path.stat().st_size}


def read_rows(path: Path) -> Iterator[dict]:
    """Rows of a .jsonl, .csv or .parquet file (column `text`, optional `id`, `title`), streamed; a .txt/.html
    file is one vacancy. A line that is not valid JSON becomes a row with an error, so every input line gets an
    output line."""
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        with path.open(encoding="utf-8", errors="replace") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as e:
                    yield {"id": None, "_error": f"line {n}: not valid JSON ({e.msg})"}
                    continue
                yield row if isinstance(row, dict) else {"id": None, "_error": f"line {n}: not a JSON object"}
    elif suffix == ".csv":
        csv.field_size_limit(sys.maxsize)
        with path.open(encoding="utf-8", errors="replace", newline="") as f:
            reader = csv.DictReader(f)
            if "text" not in (reader.fieldnames or []):
                raise typer.BadParameter(f"{path}: CSV has no `text` column (columns: {reader.fieldnames})")
            yield from reader
    elif suffix == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            pf = pq.ParquetFile(path)
            if "text" not in pf.schema_arrow.names:
                raise typer.BadParameter(f"{path}: Parquet file has no `text` column (columns: {pf.schema_arrow.names})")
            cols = [c for c in ("id", "title", "text", "occupation") if c in pf.schema_arrow.names]
            for batch in pf.iter_batches(batch_size=1024, columns=cols):
                yield from batch.to_pylist()
        except (pa.ArrowException, OSError) as e:
            raise InputFileError(f"{path}: not a readable Parquet file ({' '.join(str(e).split())})") from None
    elif suffix in (".txt", ".html", ".htm"):
        yield {"id": path.stem, "text": path.read_bytes()}
    else:
        raise typer.BadParameter(f"{path}: unsupported input type {suffix!r} (use {', '.join(INPUTS)})")


def count_rows(path: Path) -> Optional[int]:
    """The number of rows, when cheap to know (for the progress bar's ETA)."""
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        with path.open("rb") as f:
            return sum(1 for line in f if line.strip())
    if suffix == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            return pq.ParquetFile(path).metadata.num_rows
        except (pa.ArrowException, OSError) as e:
            raise InputFileError(f"{path}: not a readable Parquet file ({' '.join(str(e).split())})") from None
    if suffix in (".txt", ".html", ".htm"):
        return 1
    return None


def complete_lines(path: Path) -> list[str]:
    """The complete lines of a JSONL output; a last line cut by a crash is removed from the file."""
    if not path.exists():
        return []
    data = path.read_bytes()
    keep = data[: data.rfind(b"\n") + 1]
    if len(keep) != len(data):
        with path.open("r+b") as f:
            f.truncate(len(keep))
    return keep.decode("utf-8").splitlines()


@app.command("app", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def run_app(ctx: typer.Context) -> None:
    """Start the Streamlit app (as `make run` does), the models loading from server start. Further options go to
    `streamlit run`, e.g. `vacscreen app --server.headless true --server.port 8600`."""
    from vacscreen.ui.serve import serve

    try:
        raise typer.Exit(serve(ctx.args) or 0)
    except FileNotFoundError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2)


@app.command()
def screen(
    input: Path = typer.Argument(..., exists=True, dir_okay=False,
                                 help=".jsonl/.csv/.parquet with a `text` column (id, title optional), or a .txt vacancy"),
    output: Path = typer.Option(..., "-o", "--output",
                                help=".jsonl (one result object per row), or .csv/.parquet (one flat row per vacancy)"),
    batch_size: int = typer.Option(64, min=1, help="vacancies per spaCy batch"),
    n_process: int = typer.Option(1, "--n-process", min=1, help="worker processes (each loads the models once)"),
    occupation: Optional[str] = typer.Option(None, help="link every vacancy to this occupation (override)"),
    knelpunt_csv: Optional[Path] = typer.Option(None, exists=True, dir_okay=False,
                                                help="a newer VDAB bottleneck list (same columns)"),
    profiles_csv: Optional[Path] = typer.Option(None, exists=True, dir_okay=False,
                                                help="your own occupation profiles (same columns)"),
    flag_threshold: Optional[float] = typer.Option(None, min=0.0, max=1.0,
                                                   help="lowest flag score that becomes a flag (default: the model's)"),
    overwrite: bool = typer.Option(False, help="start again instead of resuming an interrupted run"),
    engine: str = typer.Option("local", help="local (this machine, resumable) or spark (vacscreen.spark, local[2] "
                                             "unless SPARK_MASTER / a session is configured)"),
):
    """Screen every vacancy of INPUT. Results stream to OUTPUT (for .csv/.parquet first to OUTPUT.partial.jsonl);
    an interrupted run resumes where it stopped: rows already written are skipped, every row ends up once."""
    if engine not in ("local", "spark"):
        raise typer.BadParameter("engine is local or spark")
    suffix = output.suffix.lower()
    if suffix not in OUTPUTS:
        raise typer.BadParameter(f"{output}: unsupported output type {suffix!r} (use {', '.join(OUTPUTS)})")
    partial = output if suffix == ".jsonl" else output.with_name(output.name + ".partial.jsonl")
    if overwrite:
        for p in {output, partial, partial.with_name(partial.name + ".input.json")}:
            p.unlink(missing_ok=True)
    elif suffix != ".jsonl" and output.exists() and not partial.exists():
        typer.echo(f"{output} is complete already (use --overwrite to screen again)", err=True)
        return
    try:
        _screen_file(input, output, partial, suffix, occupation, batch_size, n_process, flag_threshold, overwrite,
                     engine, knelpunt_csv, profiles_csv)
    except InputFileError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2)


def _screen_file(input, output, partial, suffix, occupation, batch_size, n_process, flag_threshold, overwrite,
                 engine, knelpunt_csv, profiles_csv) -> None:
    next(read_rows(input), None)  # a wrong input (no `text` column, unknown type) fails here, before any output
    _reference_files(knelpunt_csv, profiles_csv)
    if engine == "spark":
        _screen_with_spark(input, output, occupation, batch_size, flag_threshold, overwrite)
        return
    from itertools import islice

    from vacscreen.api import screen_many

    done = complete_lines(partial)
    stamp = _resume_stamp(input, partial, done)
    rows = read_rows(input)
    stats = {"errors": 0, "flags": Counter()}
    _count_done(input, partial, done, stats)
    rows = islice(rows, len(done), None)
    total = count_rows(input)

    results = _results(_with_occupation(rows, occupation), screen_many, batch_size, n_process, flag_threshold)
    n = _append_results(partial, results, stats, total, len(done))
    if suffix != ".jsonl":
        _convert(partial, output)
        partial.unlink()
        stamp.unlink(missing_ok=True)
    resumed = f" ({len(done)} resumed from an earlier run)" if done else ""
    typer.echo(f"{n} rows{resumed}, {stats['errors']} errors -> {output}", err=True)
    if stats["flags"]:
        typer.echo("flags: " + ", ".join(f"{k} {c}" for k, c in stats["flags"].most_common()), err=True)


def _screen_with_spark(input, output, occupation, batch_size, flag_threshold, overwrite) -> None:
    from vacscreen.spark import screen_files

    try:
        n = screen_files(input, output, occupation=occupation, batch_size=batch_size,
                         flag_threshold=flag_threshold, overwrite=overwrite)
    except FileExistsError as e:
        typer.echo(f"error: {e} (use --overwrite)", err=True)
        raise typer.Exit(2)
    typer.echo(f"{n} rows -> {output} (Spark)", err=True)


def _resume_stamp(input: Path, partial: Path, done: list[str]) -> Path:
    """The file beside the partial output that holds the input's fingerprint, checked against INPUT and written."""
    # resume only against the same input: its fingerprint is kept beside the partial output
    stamp = partial.with_name(partial.name + ".input.json")
    fingerprint = input_fingerprint(input)
    if done and stamp.exists() and json.loads(stamp.read_text(encoding="utf-8")) != fingerprint:
        typer.echo(f"error: {partial} was written for another input (its fingerprint is in {stamp.name}); "
                   f"use --overwrite", err=True)
        raise typer.Exit(2)
    if not done or not stamp.exists():
        stamp.write_text(json.dumps(fingerprint), encoding="utf-8")
    return stamp


def _count_done(input: Path, partial: Path, done: list[str], stats: dict) -> None:
    """Count the results written by an earlier run, checking their ids against the input's rows."""
    from itertools import islice

    for line, row in zip(done, islice(read_rows(input), len(done))):
        res = json.loads(line)
        if res.get("id") != row.get("id"):
            typer.echo(f"error: {partial} was written for another input (row id {res.get('id')!r} where the input "
                       f"has {row.get('id')!r}); use --overwrite", err=True)
            raise typer.Exit(2)
        _count(res, stats)


def _with_occupation(rs, occupation):
    for r in rs:
        if occupation and "_error" not in r:
            r["occupation"] = occupation
        yield r


def _append_results(partial: Path, results, stats: dict, total: Optional[int], initial: int) -> int:
    """Append the results to the partial output (synced to disk), with a progress bar; the bar's final count."""
    with partial.open("a", encoding="utf-8") as out, tqdm(total=total, initial=initial, unit="vac",
                                                          desc="screening", smoothing=0.05) as bar:
        for res in results:
            out.write(json.dumps(res, ensure_ascii=False) + "\n")
            _count(res, stats)
            bar.update()
        out.flush()
        os.fsync(out.fileno())
    return bar.n


def _results(rows, screen_many, batch_size, n_process, flag_threshold):
    """Results in input order; rows that could not be read keep their error."""
    pending: list = []

    def good():
        for r in rows:
            pending.append(r)
            if "_error" not in r:
                yield r

    it = screen_many(good(), batch_size=batch_size, n_process=n_process, flag_threshold=flag_threshold)
    for res in it:
        while pending and "_error" in pending[0]:
            r = pending.pop(0)
            yield {"id": r.get("id"), "title": r.get("title"), "error": r["_error"]}
        pending.pop(0)
        yield res
    for r in pending:
        yield {"id": r.get("id"), "title": r.get("title"), "error": r["_error"]}


def _count(res: dict, stats: dict) -> None:
    stats["errors"] += "error" in res
    stats["flags"].update(f["kind"] for f in res.get("flags", []))


def _convert(partial: Path, output: Path, chunk: int = 5000) -> None:
    """JSONL results -> flat rows (vacscreen.bulk.COLUMNS) as CSV or Parquet, in chunks, written atomically."""
    import pandas as pd

    from vacscreen.bulk import COLUMNS, flatten

    tmp = output.with_name(output.name + ".tmp")
    writer = None
    try:
        with partial.open(encoding="utf-8") as f:
            first = True
            while True:
                lines = [line for _, line in zip(range(chunk), f)]
                if not lines and not first:
                    break
                frame = pd.DataFrame([flatten(json.loads(x)) for x in lines], columns=list(COLUMNS))
                if output.suffix.lower() == ".csv":
                    frame.to_csv(tmp, mode="w" if first else "a", header=first, index=False)
                else:
                    import pyarrow as pa
                    import pyarrow.parquet as pq

                    table = pa.Table.from_pandas(frame, schema=_arrow_schema(), preserve_index=False)
                    writer = writer or pq.ParquetWriter(tmp, table.schema)
                    writer.write_table(table)
                first = False
                if not lines:
                    break
    finally:
        if writer is not None:
            writer.close()
    os.replace(tmp, output)


def _arrow_schema():
    import pyarrow as pa

    from vacscreen.bulk import COLUMNS

    types = {"string": pa.string(), "int": pa.int64(), "bool": pa.bool_(), "double": pa.float64()}
    return pa.schema([(c, types[t]) for c, t in COLUMNS.items()])


@app.command()
def evaluate(
    split: str = typer.Option("test", help="gold split: train, dev or test (test is sealed: once per issue, logged)"),
    task: str = typer.Option("report", help="report (per group and sector), extract or flags (detailed)"),
    errors: bool = typer.Option(False, help="list unmatched predictions and gold mentions (extraction)"),
    rules_only: bool = typer.Option(False, help="skip the trained component: the rule layer alone (extraction)"),
    gold_norm: bool = typer.Option(False, help="flags against the annotator's occupation norm instead of the linker's"),
    output: Optional[Path] = typer.Option(None, "--json", help="also write the full report as JSON"),
):
    """Score vacscreen against gold. `report`: every vacancy screened as a user would, per group (VDAB pages, other
    real Belgian, real Dutch, team-written) and sector: extraction strict/loose per kind, flags P/R/F1 and false flags
    per 100 vacancies, occupation acceptable top-1/top-3, education against the job feed's label. `extract`: mention
    level P/R/F1 per kind. `flags`: P/R/F1 per (vacancy, kind), model and rule layer side by side.
    Scoring the test split appends a line to docs/test_log.md."""
    if task not in ("report", "extract", "flags"):
        raise typer.BadParameter("task is report, extract or flags")
    from vacscreen import corpus

    why = corpus.available()
    if why:
        typer.echo(f"error: {why}", err=True)
        raise typer.Exit(2)
    summary = ""
    if task == "report":
        summary = _evaluate_report(split, output)
    if task == "extract":
        summary = _evaluate_extract(split, errors, rules_only)
    if task == "flags":
        summary = _evaluate_flags(split, gold_norm)
    if split == "test":
        from vacscreen.report import log_test_scoring

        typer.echo(f"logged in {log_test_scoring(f'evaluate --split test --task {task}', summary)}")


def _evaluate_report(split: str, output: Optional[Path]) -> str:
    import json

    from vacscreen import corpus, report

    res = report.run(split)
    typer.echo(report.format_report(res))
    if output:
        output.write_text(json.dumps(res, indent=1, ensure_ascii=False, default=str), encoding="utf-8")
    return "; ".join(
        f"{corpus.GROUP_LABELS[g]} n={v['vacancies']} strict {_num(v['extraction']['strict']['macro_f1'])} "
        f"flags P {_num(v['flags']['all']['p'])} R {_num(v['flags']['all']['r'])} "
        f"top-1 {_num(v['occupation']['top1'])}"
        for g, v in res["groups"].items() if v["vacancies"])


def _evaluate_extract(split: str, errors: bool, rules_only: bool) -> str:
    from vacscreen.evaluate import format_report
    from vacscreen.report import run_extraction as run

    res = run(split, show_errors=errors, use_model=not rules_only)
    for rid, fps, fns in res["errors"]:
        for x in fps:
            typer.echo(f"FP {rid} {x['kind']}: {x['text'][:90]!r} {_values(x)}")
        for x in fns:
            typer.echo(f"FN {rid} {x['kind']}: {x['text'][:90]!r} {_values(x)}")
    mode = "rule layer only" if rules_only else "rules + trained component"
    typer.echo(format_report(res, f"split={split}, {res['vacancies']} vacancies, {mode}"))
    return f"extract strict macro-F1 {res['strict']['macro_f1']:.3f} ({mode})"


def _evaluate_flags(split: str, gold_norm: bool) -> str:
    from vacscreen.flags import evaluate as flag_eval

    res = flag_eval.run(split, gold_norm=gold_norm)
    typer.echo("Flags (per vacancy and kind)")
    typer.echo(flag_eval.format_report(res))
    m = res["model"]["micro"]
    return f"flags P {m['p']:.3f} R {m['r']:.3f} F1 {m['f1']:.3f}"


def _num(x) -> str:
    return "-" if x is None else f"{x:.3f}"


def _values(d: dict) -> dict:
    return {k: v for k, v in d.items() if k not in ("kind", "text", "start", "end", "section", "raw", "field", "domain", "required_score") and v is not None}


def _reference_files(knelpunt_csv: Optional[Path], profiles_csv: Optional[Path]) -> None:
    # This process's settings, before anything loads the reference (worker processes get them as settings.to_env())
    from vacscreen import settings

    changes = {k: v for k, v in (("knelpunt_csv", knelpunt_csv), ("profiles_csv", profiles_csv)) if v}
    if changes:
        settings.use(settings.current().replace(**changes))
    if knelpunt_csv or profiles_csv:  # check the user's files now: a clear message, not a traceback mid-run
        from vacscreen.occupations.reference import ReferenceDataError, load_reference

        try:
            load_reference()
        except ReferenceDataError as e:
            typer.echo(f"error: {e}", err=True)
            raise typer.Exit(2)


@app.command()
def splits(check: bool = typer.Option(False, "--check", help="only verify that data/gold/splits.json is up to date")):
    """Build data/gold/splits.json: every real vacancy and team-written gold record, split by employer (a hash of the
    employer key, vacscreen/corpus.py). Run after adding gold; the sealed test split only grows by new employers."""
    import json

    from vacscreen import corpus, gold

    try:
        new = gold.build_splits()
    except corpus.MissingData as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2)
    path = gold.GOLD_DIR / "splits.json"
    old = json.loads(path.read_text()) if path.exists() else {}
    moved = [i for k in ("train", "dev", "test") for i in old.get(k, []) if i not in new[k] and
             any(i in new[o] for o in ("train", "dev", "test"))]
    counts = ", ".join(f"{k} {len(new[k])}" for k in ("train", "dev", "test"))
    if check:
        same = all(set(old.get(k, [])) == set(new[k]) for k in ("train", "dev", "test"))
        typer.echo(f"{path}: {'up to date' if same else 'out of date'} ({counts})")
        raise typer.Exit(0 if same else 1)
    path.write_text(json.dumps(new, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    typer.echo(f"wrote {path}: {counts}; {len(moved)} ids changed split")


@app.command("gold-agreement")
def gold_agreement():
    """Agreement of the independent second annotation (data/gold/second/) with the gold, per group: strict and
    loose F1 per requirement kind, flag F1 per (vacancy, kind), occupation."""
    from vacscreen import corpus, report

    why = corpus.available()
    if why:
        typer.echo(f"error: {why}", err=True)
        raise typer.Exit(2)
    typer.echo(report.format_agreement(report.agreement()))


@app.command("gold-offsets")
def gold_offsets(files: list[Path] = typer.Argument(..., help="gold files of real vacancies (jsonl), rewritten in place")):
    """Store the gold of real vacancies as offsets: each item's quoted text becomes start/end in the vacancy text
    from ../shared/data (placed as the evaluation places it), so the repository keeps no vacancy text."""
    from vacscreen import corpus, gold

    why = corpus.available()
    if why:
        typer.echo(f"error: {why}", err=True)
        raise typer.Exit(2)
    for path in files:
        rows = []
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            rec = json.loads(line)
            try:
                text = corpus.real_record(rec["id"])["text"]
                rows.append(json.dumps(gold.to_offsets(rec, text), ensure_ascii=False))
            except (KeyError, ValueError) as e:
                typer.echo(f"error: {path}:{n}: {e}", err=True)
                raise typer.Exit(1)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text("\n".join(rows) + "\n", encoding="utf-8")
        tmp.replace(path)
        typer.echo(f"{path}: {len(rows)} records stored as offsets")


@app.command("evaluate-linking")
def evaluate_linking(split: str = typer.Option("train,dev", help="train, dev, test (sealed: once per issue), train,dev, or all")):
    """Occupation linking accuracy (top-1, top-3), VDAB pages and other vacancies apart. VDAB pages: the "VDAB-beroep"
    line and the "Professionele vaardigheden" section removed, VDAB's code is the label. Other gold vacancies: the
    annotated occupation or a listed alternative. Modes: the title by the lexical matcher, the encoder and both
    combined; then with the text's evidence (occupation descriptions; and the memory of coded VDAB pages, fitted
    without the vacancy scored)."""
    from vacscreen import corpus
    from vacscreen.occupations import evaluate
    from vacscreen.occupations.link import default_linker

    why = corpus.available()
    if why:
        typer.echo(f"error: {why}", err=True)
        raise typer.Exit(2)
    linker = default_linker()
    res = evaluate.run(linker, None if split == "all" else split)
    enc = linker.encoder.name if linker.encoder is not None else "none (lexical only)"
    typer.echo(f"split={split or 'all'}, encoder: {enc}")
    for part, modes in res.items():
        typer.echo(f"\n{part:<29} {'n':>4} {'top-1':>7} {'top-3':>7}")
        for mode, r in modes.items():
            typer.echo(f"{mode:<29} {r['n']:4d} {r['top1']:7.3f} {r['top3']:7.3f}")
    if split == "test":
        from vacscreen.report import log_test_scoring

        m = {p: list(v.values())[-1] for p, v in res.items()}
        typer.echo("logged in " + log_test_scoring("evaluate-linking --split test", "; ".join(
            f"{p} n={r['n']} top-1 {r['top1']:.3f} top-3 {r['top3']:.3f}" for p, r in m.items())))


@app.command("link-report")
def link_report(split: str = typer.Option("train,dev", help="train, dev, train,dev, or test (sealed: once per issue)")):
    """The links screen() makes, per group: acceptable top-1/top-3, raw-title links, absurd links, and the
    reliability of `confidence` (re-ranker and confidence out of fold by employer on train/dev; the shipped models on
    test); then the split's VDAB pages linked without their VDAB-beroep line. All of issue 19's figures in one run."""
    from vacscreen import corpus
    from vacscreen.flags.data import analyse, load_split
    from vacscreen.occupations.evaluate import shipped_report

    names = [s.strip() for s in split.split(",") if s.strip()]
    if not names or any(n not in ("train", "dev", "test") for n in names):
        raise typer.BadParameter("split is train, dev, train,dev or test")
    sealed = "test" in names
    res = shipped_report(analyse([r for n in names for r in load_split(n)]), out_of_fold=not sealed)
    if not res:
        typer.echo("error: no vacancy of this split has a gold occupation", err=True)
        raise typer.Exit(2)
    typer.echo(f"split={split}; confidence {'as shipped' if sealed else 'out of fold by employer'}")
    typer.echo(f"{'group':<20} {'n':>4} {'top-1':>6} {'top-3':>6} {'raw title':>9} {'absurd':>7} {'ECE':>6}")
    for g, r in res.items():
        ece = f"{r['ece']:.3f}" if r["ece"] is not None else "-"
        typer.echo(f"{corpus.GROUP_LABELS.get(g, g):<20} {r['n']:4d} {r['top1']:6.3f} {r['top3']:6.3f} "
                   f"{r['raw_title']:9d} {r['absurd']:7.3f} {ece:>6}")
    typer.echo("\nreliability (all groups): confidence bin, links, share acceptable, mean confidence")
    for lo, n, acc, mean in res["all"]["reliability"]:
        if n:
            typer.echo(f"  {lo:.1f}-{lo + 0.1:.1f} {n:5d} {acc:6.3f} {mean:6.3f}")
    from vacscreen.occupations.evaluate import run
    from vacscreen.occupations.link import default_linker

    # VDAB pages of the split without their VDAB-beroep line and competence section (memory: leave-one-out)
    vdab = list(run(default_linker(), split)["VDAB pages"].items())[-1]
    typer.echo(f"\nVDAB pages without the VDAB-beroep line ({vdab[0]}): n={vdab[1]['n']} "
               f"top-1 {vdab[1]['top1']:.3f} top-3 {vdab[1]['top3']:.3f}")
    if sealed:
        from vacscreen.report import log_test_scoring

        typer.echo("logged in " + log_test_scoring(f"link-report --split {split}", "; ".join(
            f"{corpus.GROUP_LABELS.get(g, g)} n={r['n']} top-1 {r['top1']:.3f} top-3 {r['top3']:.3f} "
            f"raw {r['raw_title']} absurd {r['absurd']:.3f} ECE {r['ece']:.3f}" if r["ece"] is not None else
            f"{corpus.GROUP_LABELS.get(g, g)} n={r['n']} top-1 {r['top1']:.3f}" for g, r in res.items())
            + f"; VDAB without the code line n={vdab[1]['n']} top-1 {vdab[1]['top1']:.3f} top-3 {vdab[1]['top3']:.3f}"))


@app.command("train")
def train_models(
    splits: str = typer.Option("train,dev", help="gold splits to train on (never test)"),
    component: str = typer.Option("all", help="extract, flags, linking, norms or all (flags are trained on the new extraction and norms)"),
    C: Optional[float] = typer.Option(None, help="inverse regularisation strength of the extraction component (default: extract/required.py DEFAULT_C, chosen by cv-extract)"),
    flags_C: Optional[float] = typer.Option(None, "--flags-C", help="inverse regularisation strength of the flag classifier (default: flags/train.py DEFAULT_C, chosen by tune-flags)"),
    threshold: Optional[float] = typer.Option(None, min=0.0, max=1.0, help="lowest flag score that becomes a flag (default: flags/train.py DEFAULT_THRESHOLD, chosen by tune-flags)"),
    db: Optional[str] = typer.Option(None, envvar="VACSCREEN_DB",
                                     help="label store (SQLite path or SQLAlchemy URL): reviewer labels join the gold, recruiters' occupation choices the linking memory"),
    force: bool = typer.Option(False, help="activate the new flag model without a gain beyond noise"),
):
    """Train the required/optional component and the flag classifier from gold (+ reviewer labels); the flag model
    becomes a new version under models/flags/versions/, active only on a gain beyond noise in grouped
    cross-validation on the training splits (the sealed test split is never scored here)."""
    names = tuple(s.strip() for s in splits.split(",") if s.strip())
    if "test" in names:
        raise typer.BadParameter("the test split is held out: train on train and dev only")
    if component not in ("extract", "flags", "linking", "norms", "all"):
        raise typer.BadParameter("component is extract, flags, linking, norms or all")
    if component in ("linking", "all"):
        _train_linking(names, db)
    if component in ("norms", "all"):
        _train_norms(names)
    if component in ("extract", "all"):
        _train_extract(names, C)
    if component in ("linking", "all"):
        _train_reranker_and_confidence(names)
    if component in ("flags", "all"):
        _train_flags(names, db, force, flags_C, threshold)


def _train_linking(names: tuple, db: Optional[str]) -> None:
    from vacscreen.occupations.train import train_memory as fit_linking

    store = _open_store(db) if db else None
    try:
        typer.echo(json.dumps(fit_linking(names, store=store), indent=1, ensure_ascii=False))
    finally:
        if store is not None:
            store.close()


def _train_norms(names: tuple) -> None:
    from vacscreen import settings
    from vacscreen.occupations.train import build_norms

    rows = build_norms(names)
    typer.echo(f"{len(rows)} annotated norms -> {settings.current().norms_file}")
    for r in rows:
        typer.echo(f"  {r['occupation']}: VKS {r['typical_vks']} ({r['agreeing']} of {r['vacancies']} vacancies)")


def _train_extract(names: tuple, C: Optional[float]) -> None:
    from vacscreen.extract.train import train_extraction as fit

    from vacscreen.extract.required import DEFAULT_C

    typer.echo(json.dumps(fit(names, C=DEFAULT_C if C is None else C), indent=1))


def _train_reranker_and_confidence(names: tuple) -> None:
    from vacscreen.flags.data import analyse, load_split
    from vacscreen.occupations import confidence

    from vacscreen.occupations.evaluate import relink_out_of_fold, renorm_out_of_fold
    from vacscreen.occupations.train import train_reranker

    # the re-ranker learns from the candidates of the new linker and norms; the link confidence from the
    # links (and profiles, with annotated norms) made without the vacancy's employer (out of fold by employer)
    # (linked without the shipped re-ranker: its links are redone out of fold below, and it may be of other features)
    analysed = analyse([r for s in names for r in load_split(s)], rerank_links=False)
    typer.echo(json.dumps(train_reranker(analysed), indent=1))
    relink_out_of_fold(analysed)
    renorm_out_of_fold(analysed)
    typer.echo(json.dumps(confidence.train_confidence(analysed), indent=1))


def _train_flags(names: tuple, db: Optional[str], force: bool, flags_C: Optional[float],
                 threshold: Optional[float]) -> None:
    from vacscreen import retrain

    store = _open_store(db) if db else None
    try:  # the same retraining as the app's Modellen page (the linking memory is the linking component's here)
        res = retrain.retrain(store, names, force=force, C=flags_C, threshold=threshold, linking_memory=False)
    finally:
        if store is not None:
            store.close()
    typer.echo(json.dumps(res, indent=1, ensure_ascii=False))
    state = "activated" if res["activated"] else "NOT activated (--force activates it)"
    typer.echo(f"flag model {res['version']}: {state}: {res['decision']}", err=True)


def _open_store(url: Optional[str]):
    from vacscreen.review import Store

    try:
        return Store(url)
    except Exception as e:  # noqa: BLE001 - a wrong URL or an unreachable server: one clear line
        typer.echo(f"error: cannot open the label store {url!r}: {e}", err=True)
        raise typer.Exit(2)


labels_app = typer.Typer(help="Reviewer labels in the label store: export, import, agreement.", no_args_is_help=True)
app.add_typer(labels_app, name="labels")
_DB = typer.Option(None, envvar="VACSCREEN_DB", help="label store: SQLite path or SQLAlchemy URL (default: user data folder)")


users_app = typer.Typer(help="Accounts of the app (reviewer, lead, admin) and the audit log.", no_args_is_help=True)
app.add_typer(users_app, name="users")


def _password(env: str = "VACSCREEN_PASSWORD") -> str:
    """The new password: $VACSCREEN_PASSWORD (scripts), else asked twice without echo."""
    return os.environ.get(env) or typer.prompt("password", hide_input=True, confirmation_prompt=True)


def _change_account(db: Optional[str], change, done: str) -> None:
    """Run change(store); a refused change (ValueError) is one line and exit code 2."""
    with _open_store(db) as store:
        try:
            change(store)
        except ValueError as e:
            typer.echo(f"error: {e}", err=True)
            raise typer.Exit(2)
    typer.echo(done)


@users_app.command("add")
def users_add(username: str, role: str = typer.Option("reviewer", help="reviewer, lead or admin"),
              name: Optional[str] = typer.Option(None, help="display name"), db: Optional[str] = _DB):
    """Create an account (the password is asked, or read from VACSCREEN_PASSWORD)."""
    _change_account(db, lambda s: s.add_user(username, _password(), role=role, name=name, actor="command line"),
                    f"account {username} ({role}) created")


@users_app.command("role")
def users_role(username: str, role: str = typer.Argument(..., help="reviewer, lead or admin"),
               db: Optional[str] = _DB):
    """Change an account's role."""
    _change_account(db, lambda s: s.set_role(username, role, actor="command line"), f"{username}: {role}")


@users_app.command("password")
def users_password(username: str, db: Optional[str] = _DB):
    """Set a new password (asked, or read from VACSCREEN_PASSWORD)."""
    _change_account(db, lambda s: s.set_password(username, _password(), actor="command line"),
                    f"password of {username} changed")


@users_app.command("list")
def users_list(db: Optional[str] = _DB):
    """Every account with its role."""
    with _open_store(db) as store:
        for u in store.users():
            typer.echo(f"{u['username']:<24} {u['role']:<9} {u['name']}")


@users_app.command("audit")
def users_audit(limit: int = typer.Option(50, min=1), db: Optional[str] = _DB):
    """The latest entries of the audit log (who did what), newest first."""
    with _open_store(db) as store:
        for a in store.audit_log(limit):
            typer.echo(f"{a['created_at']:%Y-%m-%d %H:%M:%S} {a['actor']:<16} {a['action']:<16} {a['detail'] or ''}")


@labels_app.command("export")
def labels_export(path: Path = typer.Argument(..., dir_okay=False, help="JSONL file to write"), db: Optional[str] = _DB):
    """Write every label (with its flag and vacancy) to a JSONL file: a backup, or to share with another team."""
    from vacscreen.review.exchange import export_labels

    with _open_store(db) as store:
        n = export_labels(store, path)
    typer.echo(f"{n} labels -> {path}")


@labels_app.command("import")
def labels_import(path: Path = typer.Argument(..., exists=True, dir_okay=False, help="JSONL file from `labels export`"),
                  db: Optional[str] = _DB):
    """Add the labels of a JSONL export; labels already in the store are skipped (safe to run twice)."""
    from vacscreen.review.exchange import import_labels

    with _open_store(db) as store:
        try:
            n = import_labels(store, path)
        except ValueError as e:
            typer.echo(f"error: {e}", err=True)
            raise typer.Exit(2)
    typer.echo(f"{n} labels added from {path}")


@labels_app.command("agreement")
def labels_agreement(db: Optional[str] = _DB):
    """Cohen's kappa between reviewers per flag kind, and the flags waiting for adjudication."""
    with _open_store(db) as store:
        agree, open_ = store.agreement(), store.disagreements()
    typer.echo(f"{'kind':<22} {'kappa':>6} {'flags':>6} {'pairs':>6}")
    for kind, a in sorted(agree.items()):
        k = f"{a['kappa']:6.3f}" if a["kappa"] is not None else f"{'-':>6}"
        typer.echo(f"{kind:<22} {k} {a['items']:6d} {a['pairs']:6d}")
    typer.echo(f"{len(open_)} flags with conflicting labels wait for adjudication")


models_app = typer.Typer(help="Flag model versions: list, activate, roll back.", no_args_is_help=True)
app.add_typer(models_app, name="models")


@models_app.command("list")
def models_list():
    """Every flag model version with its grouped cross-validation scores on train+dev; * marks the active one."""
    from vacscreen import retrain

    typer.echo(f"{'':1} {'version':<26} {'trained':<20} {'reviews':>7} {'CV P':>7} {'CV R':>7} {'CV F1':>7}")
    for v in retrain.versions():
        f = lambda x: f"{x:7.3f}" if x is not None else f"{'-':>7}"  # noqa: E731
        typer.echo(f"{'*' if v['active'] else ' ':1} {v['version']:<26} {str(v['created_at'])[:19]:<20} "
                   f"{v['review_labels']:>7} {f(v['cv_p'])} {f(v['cv_r'])} {f(v['cv_f1'])}")


@models_app.command("activate")
def models_activate(version: str = typer.Argument(..., help="a version from `vacscreen models list`")):
    """Make VERSION the active flag model."""
    from vacscreen import retrain

    try:
        retrain.activate(version, reason="vacscreen models activate")
    except retrain.RegistryError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2)
    typer.echo(f"active: {version}")


@models_app.command("rollback")
def models_rollback():
    """Re-activate the model that was active before the current one."""
    from vacscreen import retrain

    try:
        version = retrain.rollback()
    except retrain.RegistryError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2)
    typer.echo(f"active: {version}")


@models_app.command("clean")
def models_clean():
    """Remove what killed training runs left (".building-*" folders, temporary ACTIVE files)."""
    from vacscreen import retrain

    typer.echo(f"removed {retrain.clean()} leftover(s)")


@models_app.command("deactivate")
def models_deactivate():
    """Flag with the rule layer alone (no active model); `models rollback` re-activates the previous one."""
    from vacscreen import retrain

    retrain.deactivate(reason="deactivated from the command line")
    typer.echo("active: none (rule layer alone)")


@app.command("cv-extract")
def cv_extract(
    splits: str = typer.Option("train,dev", help="gold splits to cross-validate on (never test)"),
    folds: int = typer.Option(5),
    C: str = typer.Option("1", help="inverse regularisation strength(s) of the required/optional component, "
                                      "comma-separated to compare"),
    learned: bool = typer.Option(False, help="also the learned clause model (extract/clause_model.py), alone and "
                                             "added to the pipeline"),
    thresholds: str = typer.Option("0.5,0.7,0.9", help="clause-model probability thresholds (with --learned)"),
    real_weight: Optional[float] = typer.Option(None, help="training weight of the candidates of real vacancies of "
                                                         "other publishers than VDAB (default: extract/required.py "
                                                         "REAL_WEIGHT)"),
    errors: Optional[Path] = typer.Option(None, help="also write the out-of-fold errors of the rule layer + "
                                                     "component (strict, per vacancy) and tp/fp/fn per kind to this "
                                                     "text file"),
):
    """Extraction out of fold, folds by employer: the rule layer alone vs the rule layer + the trained
    required/optional component (fitted on the other folds), strict F1 per kind (loose macro too), per group."""
    from vacscreen import corpus
    from vacscreen.extract.train import cross_validate
    from vacscreen.report import _f, _macro

    names = tuple(s.strip() for s in splits.split(",") if s.strip())
    if "test" in names:
        raise typer.BadParameter("the test split is held out")
    try:
        values = [float(c) for c in C.split(",") if c.strip()]
    except ValueError:
        raise typer.BadParameter(f"C is a comma-separated list of numbers, not {C!r}")
    if not values or min(values) <= 0:
        raise typer.BadParameter("C values are positive numbers")
    try:
        ts = [float(t) for t in thresholds.split(",") if t.strip()]
    except ValueError:
        raise typer.BadParameter(f"thresholds is a comma-separated list of numbers, not {thresholds!r}")
    res, wrong = {}, ([] if errors else None)
    for c in values:
        extra = {} if real_weight is None else {"real_weight": real_weight}
        out = cross_validate(names, folds=folds, C=c, learned=learned, thresholds=ts, errors=wrong, **extra)
        res.setdefault("rules", out.pop("rules"))
        res[f"rules+comp C={c:g}" if len(values) > 1 else "rules+component"] = out.pop("rules+component")
        res.update({f"{k} C={c:g}" if len(values) > 1 else k: v for k, v in out.items()})
    kinds = ("education", "language", "experience", "licence+certificate", "criterion")
    typer.echo(f"{'group':<20} {'system':<24} {'strict':>6} {'loose':>6}  " + " ".join(f"{k[:10]:>10}" for k in kinds))
    for g in ("all",) + corpus.GROUPS:
        for system, by in res.items():
            r = by[g]
            cells = " ".join(f"{r['strict'][k]['f1']:10.3f}" if r["strict"][k]["tp"] + r["strict"][k]["fp"]
                             + r["strict"][k]["fn"] else f"{'-':>10}" for k in kinds)
            label = corpus.GROUP_LABELS.get(g, g)
            typer.echo(f"{label:<20} {system:<24} {_f(_macro(r['strict'])):>6} {_f(_macro(r['loose'])):>6}  {cells}")
    if errors:
        from vacscreen.extract.train import format_cv_errors

        by = next(v for k, v in res.items() if k.startswith("rules+comp"))  # the first C's results
        errors.write_text(format_cv_errors(wrong, by, kinds), encoding="utf-8")
        typer.echo(f"errors -> {errors}", err=True)



@app.command("tune-flags")
def tune_flags(
    splits: str = typer.Option("train,dev", help="gold splits to cross-validate on (never test)"),
    C: str = typer.Option("0.3,1,3", help="values of C to try"),
    thresholds: str = typer.Option("0.3,0.4,0.5,0.6", help="thresholds to try"),
    folds: int = typer.Option(5),
    min_precision: float = typer.Option(0.85, help="precision floor on the real vacancies (the product's target)"),
):
    """Out-of-fold flag P/R/F1 for each C and threshold (folds by vacancy), to choose them without the test split.
    Chosen: the best F1 among the settings whose precision on the real vacancies reaches --min-precision (recruiters
    should be able to trust a flag; the target is F1 >= 0.80 with precision >= 0.85); ties go to the smaller C."""
    from vacscreen.flags.data import analyse, load_split
    from vacscreen.flags.evaluate import predict, score
    from vacscreen.flags.flagger import Flagger
    from vacscreen.flags.train import cross_validate

    names = [s.strip() for s in splits.split(",") if s.strip()]
    if "test" in names:
        raise typer.BadParameter("the test split is held out")
    analysed = analyse([r for s in names for r in load_split(s)])
    rules = score(predict(analysed, Flagger(None)))["micro"]
    typer.echo(f"{len(analysed)} vacancies; rule layer alone: P {rules['p']:.3f} R {rules['r']:.3f} F1 {rules['f1']:.3f}")
    typer.echo(f"{'C':>6} {'thr':>5} {'P':>6} {'R':>6} {'F1':>6}   real vacancies only: {'P':>6} {'R':>6} {'F1':>6}")
    rows = []
    for c in (float(x) for x in C.split(",")):
        for t, res in cross_validate(analysed, C=c, thresholds=tuple(float(x) for x in thresholds.split(",")),
                                     folds=folds).items():
            m, r = res["micro"], res["real"]
            rows.append((c, t, m, r))
            typer.echo(f"{c:6.2f} {t:5.2f} {m['p']:6.3f} {m['r']:6.3f} {m['f1']:6.3f}   "
                       f"{'':>20} {r['p']:6.3f} {r['r']:6.3f} {r['f1']:6.3f}")
    ok = [x for x in rows if x[3]["p"] >= min_precision]
    c, t, m, _ = max(ok or rows, key=lambda x: (round(x[2]["f1"], 3), -x[0]))
    note = "" if ok else f"; no setting reaches precision {min_precision} on the real vacancies"
    typer.echo(f"chosen: C {c:g}, threshold {t:g} (F1 {m['f1']:.3f}{note})")


@app.command("cv-flags")
def cv_flags(
    splits: str = typer.Option("train,dev", help="gold splits to cross-validate on (never test)"),
    folds: int = typer.Option(5),
    C: Optional[float] = typer.Option(None, help="classifier C (default: flags/train.py DEFAULT_C)"),
    threshold: Optional[float] = typer.Option(None, min=0.0, max=1.0,
                                              help="flag threshold (default: flags/train.py DEFAULT_THRESHOLD)"),
    gates: str = typer.Option("", help="link-confidence floors to compare (comma-separated; default: rules.yaml's)"),
    json_out: Optional[Path] = typer.Option(None, "--json", dir_okay=False, help="also write the figures as JSON"),
):
    """Flags per group of publishers, out of fold by employer: the rule layer alone vs rules + the classifier
    fitted on the other folds. P/R/F1, discrimination precision, false flags per 100 vacancies (all, and on the
    vacancies without gold discrimination)."""
    from vacscreen.flags.data import analyse, load_split
    from vacscreen.flags.evaluate import by_group, format_groups, predict
    from vacscreen.flags.flagger import Flagger
    from vacscreen.flags.train import DEFAULT_C, DEFAULT_THRESHOLD, cross_validate_pairs

    names = [s.strip() for s in splits.split(",") if s.strip()]
    if "test" in names:
        raise typer.BadParameter("the test split is held out")
    c = DEFAULT_C if C is None else C
    t = DEFAULT_THRESHOLD if threshold is None else threshold
    from vacscreen.occupations.confidence import out_of_fold

    from vacscreen.occupations.evaluate import relink_out_of_fold, renorm_out_of_fold

    analysed = analyse([r for s in names for r in load_split(s)])
    relink_out_of_fold(analysed, folds)  # links by a re-ranker that did not see the vacancy's employer
    renormed = renorm_out_of_fold(analysed, folds)  # annotated norms from the other folds' real vacancies
    typer.echo(f"annotated norms out of fold: {renormed} vacancies measured against another level")
    cal = out_of_fold(analysed, folds)  # link confidences from models fitted on the other folds
    typer.echo(f"link confidence out of fold: {cal['vacancies']} vacancies, top-1 acceptable {cal['acceptable']:.3f}, "
               f"expected calibration error {cal['ece']:.3f}")
    try:
        floors = [float(g) for g in gates.split(",") if g.strip()] or [None]
    except ValueError:
        raise typer.BadParameter(f"gates is a comma-separated list of numbers, not {gates!r}")
    res = {}
    for g in floors:
        tag = "" if g is None else f" gate={g:g}"
        res[f"rules{tag}"] = by_group(predict(analysed, Flagger(None, min_confidence=g)))
        res[f"rules+clf{tag}"] = by_group(cross_validate_pairs(analysed, C=c, thresholds=(t,), folds=folds,
                                                               min_confidence=g)[t])
    typer.echo(f"classifier C={c:g}, threshold {t:g}")
    typer.echo(format_groups(res))
    if json_out:
        json_out.write_text(json.dumps(res, indent=1), encoding="utf-8")


if __name__ == "__main__":
    app()
