"""The `vacscreen` command: screen files, evaluate against gold, train the trained component."""
from __future__ import annotations

import csv
import json
from collections import Counter
import sys
from pathlib import Path
from typing import Iterator, Optional

import typer
from tqdm import tqdm

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)


def read_rows(path: Path) -> Iterator[dict]:
    """Rows of a .jsonl or .csv file (column `text`, optional `id`, `title`); a .txt file is one vacancy.
    A line that is not valid JSON becomes a row with an error, so every input line gets an output line."""
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
    elif suffix in (".txt", ".html", ".htm"):
        yield {"id": path.stem, "text": path.read_bytes()}
    else:
        raise typer.BadParameter(f"{path}: unsupported input type {suffix!r} (use .jsonl, .csv or .txt)")


@app.command()
def screen(
    input: Path = typer.Argument(..., exists=True, dir_okay=False, help=".jsonl/.csv with a `text` column, or a .txt vacancy"),
    output: Path = typer.Option(..., "-o", "--output", help="output .jsonl, one object per input row"),
    batch_size: int = typer.Option(64, help="vacancies per spaCy batch"),
    occupation: Optional[str] = typer.Option(None, help="link every vacancy to this occupation (override)"),
    knelpunt_csv: Optional[Path] = typer.Option(None, exists=True, dir_okay=False,
                                                help="a newer VDAB bottleneck list (same columns)"),
    profiles_csv: Optional[Path] = typer.Option(None, exists=True, dir_okay=False,
                                                help="your own occupation profiles (same columns)"),
    flag_threshold: Optional[float] = typer.Option(None, min=0.0, max=1.0,
                                                   help="lowest flag score that becomes a flag (default: the model's)"),
):
    """Screen every vacancy of INPUT and write one JSON object per row to OUTPUT (requirements, occupation, flags)."""
    _reference_files(knelpunt_csv, profiles_csv)
    from vacscreen.api import screen_many

    rows = list(read_rows(input))
    good = [r for r in rows if "_error" not in r]
    if occupation:
        for r in good:
            r["occupation"] = occupation
    results = iter(screen_many(good, batch_size=batch_size, flag_threshold=flag_threshold))
    errors = 0
    flags: Counter = Counter()
    with output.open("w", encoding="utf-8") as out, tqdm(total=len(rows), unit="vac", desc="screening") as bar:
        for r in rows:
            res = {"id": r.get("id"), "title": r.get("title"), "error": r["_error"]} if "_error" in r else next(results)
            errors += "error" in res
            flags.update(f["kind"] for f in res.get("flags", []))
            out.write(json.dumps(res, ensure_ascii=False) + "\n")
            bar.update()
    typer.echo(f"{len(rows)} rows, {errors} errors -> {output}", err=True)
    if flags:
        typer.echo("flags: " + ", ".join(f"{k} {n}" for k, n in flags.most_common()), err=True)


@app.command()
def evaluate(
    split: str = typer.Option("test", help="gold split: train, dev or test"),
    task: str = typer.Option("all", help="extract, flags or all"),
    errors: bool = typer.Option(False, help="list unmatched predictions and gold mentions (extraction)"),
    rules_only: bool = typer.Option(False, help="skip the trained component: the rule layer alone (extraction)"),
    gold_norm: bool = typer.Option(False, help="flags against the annotator's occupation norm instead of the linker's"),
):
    """Extraction: mention-level P/R/F1 per kind, loose (kind + overlapping span) and strict (also the value and
    `required`). Flags: P/R/F1 per (vacancy, kind), model and rule layer alone side by side."""
    if task not in ("extract", "flags", "all"):
        raise typer.BadParameter("task is extract, flags or all")
    if task in ("extract", "all"):
        from vacscreen.evaluate import format_report, run

        res = run(split, show_errors=errors, use_model=not rules_only)
        for rid, fps, fns in res["errors"]:
            for x in fps:
                typer.echo(f"FP {rid} {x['kind']}: {x['text'][:90]!r} {_values(x)}")
            for x in fns:
                typer.echo(f"FN {rid} {x['kind']}: {x['text'][:90]!r} {_values(x)}")
        mode = "rule layer only" if rules_only else "rules + trained component"
        typer.echo(format_report(res, f"split={split}, {res['vacancies']} vacancies, {mode}"))
    if task in ("flags", "all"):
        from vacscreen.flags import evaluate as flag_eval

        typer.echo("\nFlags (per vacancy and kind)")
        typer.echo(flag_eval.format_report(flag_eval.run(split, gold_norm=gold_norm)))


def _values(d: dict) -> dict:
    return {k: v for k, v in d.items() if k not in ("kind", "text", "start", "end", "section", "raw", "field", "domain", "required_score") and v is not None}


def _reference_files(knelpunt_csv: Optional[Path], profiles_csv: Optional[Path]) -> None:
    # The reference loader reads these variables; set before anything loads it.
    import os

    if knelpunt_csv:
        os.environ["VACSCREEN_KNELPUNT_CSV"] = str(knelpunt_csv)
    if profiles_csv:
        os.environ["VACSCREEN_PROFILES_CSV"] = str(profiles_csv)
    if knelpunt_csv or profiles_csv:  # check the user's files now: a clear message, not a traceback mid-run
        from vacscreen.occupations.reference import ReferenceDataError, load_reference

        try:
            load_reference()
        except ReferenceDataError as e:
            typer.echo(f"error: {e}", err=True)
            raise typer.Exit(2)


@app.command("evaluate-linking")
def evaluate_linking(split: Optional[str] = typer.Option(None, help="train, dev or test; all vacancies when omitted")):
    """Occupation linking accuracy (top-1, top-3) on the real vacancies with a "VDAB-beroep" line, the line
    removed, for the lexical matcher, the encoder and both combined."""
    from vacscreen.occupations import evaluate
    from vacscreen.occupations.link import default_linker

    linker = default_linker()
    res = evaluate.run(linker, split)
    enc = linker.encoder.name if linker.encoder is not None else "none (lexical only)"
    typer.echo(f"split={split or 'all'}, encoder: {enc}")
    typer.echo(f"{'mode':<10} {'n':>4} {'top-1':>7} {'top-3':>7}")
    for mode, r in res.items():
        typer.echo(f"{mode:<10} {r['n']:4d} {r['top1']:7.3f} {r['top3']:7.3f}")


@app.command()
def train(
    splits: str = typer.Option("train,dev", help="gold splits to train on (never test)"),
    component: str = typer.Option("all", help="extract, flags or all (flags are trained on the new extraction)"),
    C: float = typer.Option(0.2, help="inverse regularisation strength of the extraction component"),
    flags_C: float = typer.Option(1.0, "--flags-C", help="inverse regularisation strength of the flag classifier"),
    threshold: float = typer.Option(0.5, min=0.0, max=1.0, help="lowest flag score that becomes a flag"),
    db: Optional[str] = typer.Option(None, envvar="VACSCREEN_DB",
                                     help="label store (SQLite path or SQLAlchemy URL): reviewer labels join the gold"),
    force: bool = typer.Option(False, help="activate the new flag model even if it scores lower on the held-out split"),
):
    """Train the required/optional component and the flag classifier from gold (+ reviewer labels); the flag model
    becomes a new version under models/flags/versions/, active only if not worse on the held-out split."""
    names = tuple(s.strip() for s in splits.split(",") if s.strip())
    if "test" in names:
        raise typer.BadParameter("the test split is held out: train on train and dev only")
    if component not in ("extract", "flags", "all"):
        raise typer.BadParameter("component is extract, flags or all")
    if component in ("extract", "all"):
        from vacscreen.extract.train import train as fit

        typer.echo(json.dumps(fit(names, C=C), indent=1))
    if component in ("flags", "all"):
        from vacscreen.api import _nlp
        from vacscreen.flags.train import train as fit_flags

        _nlp.cache_clear()  # flags learn from what the (new) extraction finds
        store = _open_store(db) if db else None
        try:
            res = fit_flags(names, C=flags_C, threshold=threshold, store=store, force=force)
        finally:
            if store is not None:
                store.close()
        typer.echo(json.dumps(res, indent=1, ensure_ascii=False))
        state = "activated" if res["activated"] else "NOT activated (held-out F1 below the active model's; --force)"
        typer.echo(f"flag model {res['version']}: {state}", err=True)


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


@labels_app.command("export")
def labels_export(path: Path = typer.Argument(..., dir_okay=False, help="JSONL file to write"), db: Optional[str] = _DB):
    """Write every label (with its flag and vacancy) to a JSONL file: a backup, or to share with another team."""
    with _open_store(db) as store:
        n = store.export_labels(path)
    typer.echo(f"{n} labels -> {path}")


@labels_app.command("import")
def labels_import(path: Path = typer.Argument(..., exists=True, dir_okay=False, help="JSONL file from `labels export`"),
                  db: Optional[str] = _DB):
    """Add the labels of a JSONL export; labels already in the store are skipped (safe to run twice)."""
    with _open_store(db) as store:
        try:
            n = store.import_labels(path)
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
    """Every flag model version with its held-out scores; * marks the active one."""
    from vacscreen.review.registry import Registry

    reg = Registry()
    typer.echo(f"{'':1} {'version':<26} {'trained':<20} {'reviews':>7} {'test P':>7} {'test R':>7} {'test F1':>7}")
    for v in reg.versions():
        f = lambda x: f"{x:7.3f}" if x is not None else f"{'-':>7}"  # noqa: E731
        typer.echo(f"{'*' if v['active'] else ' ':1} {v['version']:<26} {str(v['created_at'])[:19]:<20} "
                   f"{v['review_labels']:>7} {f(v['test_p'])} {f(v['test_r'])} {f(v['test_f1'])}")


@models_app.command("activate")
def models_activate(version: str = typer.Argument(..., help="a version from `vacscreen models list`")):
    """Make VERSION the active flag model."""
    from vacscreen.review.registry import Registry, RegistryError

    try:
        Registry().activate(version, reason="vacscreen models activate")
    except RegistryError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2)
    typer.echo(f"active: {version}")


@models_app.command("rollback")
def models_rollback():
    """Re-activate the model that was active before the current one."""
    from vacscreen.review.registry import Registry, RegistryError

    try:
        version = Registry().rollback()
    except RegistryError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2)
    typer.echo(f"active: {version}")


@app.command("tune-flags")
def tune_flags(
    splits: str = typer.Option("train,dev", help="gold splits to cross-validate on (never test)"),
    C: str = typer.Option("0.3,1,3", help="values of C to try"),
    thresholds: str = typer.Option("0.3,0.4,0.5,0.6", help="thresholds to try"),
    folds: int = typer.Option(5),
):
    """Out-of-fold flag P/R/F1 for each C and threshold (folds by vacancy), to choose them without the test split."""
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
    for c in (float(x) for x in C.split(",")):
        for t, res in cross_validate(analysed, C=c, thresholds=tuple(float(x) for x in thresholds.split(",")),
                                     folds=folds).items():
            m, r = res["micro"], res["real"]
            typer.echo(f"{c:6.2f} {t:5.2f} {m['p']:6.3f} {m['r']:6.3f} {m['f1']:6.3f}   "
                       f"{'':>20} {r['p']:6.3f} {r['r']:6.3f} {r['f1']:6.3f}")


if __name__ == "__main__":
    app()
