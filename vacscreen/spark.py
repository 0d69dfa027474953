"""Screen vacancies with Apache Spark: the same flat rows as `vacscreen.screen_frame`, computed in Spark's Python
workers. Needs the `spark` extra (`pip install -e '.[spark]'`: PySpark 4.3 with pyarrow) and Java 17 or newer.

    from vacscreen.spark import session, screen_spark, screen_files

    spark = session()                                   # local[2], no UI
    df = spark.read.json("vacatures.jsonl")             # columns text, id, title (occupation optional)
    out = screen_spark(df)                              # lazy; one row per vacancy, columns vacscreen.bulk.COLUMNS
    out.groupBy("occupation").sum("n_flags").show()

    screen_files("vacatures.jsonl", "screened.parquet")  # what `vacscreen screen --engine spark` runs

How it runs: `screen_spark` is one `mapInPandas` over the input. Each Python worker streams its partition's rows
through `vacscreen.api.screen_many` (spaCy batches of `batch_size`), flattens each result with
`vacscreen.bulk.flatten` and yields pandas batches with the columns of `vacscreen.bulk.COLUMNS`, in that order:
"string" -> StringType, "int" -> LongType (int64, as in the CLI's Parquet output), "bool" -> BooleanType,
"double" -> DoubleType. The whole result object is in `result_json`. Rows that cannot be screened (empty or missing
text, binary, nothing left after HTML) give a row with `error` set and the counts null, as in screen_frame.

The models (spaCy pipeline, trained component, occupation encoder, flag model) are loaded by vacscreen.api's
lru_caches once per Python worker process and kept while Spark reuses the worker (`spark.python.worker.reuse`,
Spark's default and set by `session()`): the first task in each worker pays the loading (10-20 s here, both workers
at once on 2 cores), later tasks don't (100 VDAB vacancies: 26 s cold, 3 s warm with local[2]). One numeric thread
per task (OMP/MKL/OpenBLAS and torch set to `spark.task.cpus`, 1 by default): Spark's tasks are the parallelism.

Memory: each running task's Python worker holds the models, about 1.4 GB resident (measured here), outside the JVM
heap. On this machine (`session()`, local[2]) that is 2 workers + a 2 GB driver JVM + the calling process. On a
cluster give each executor `spark.executor.pyspark.memory` (or memoryOverhead) of about 2g per core.

On a real cluster (YARN, Kubernetes, standalone) the executors run this code, not the driver's copy:
- vacscreen and its dependencies (with the torch CPU build) must be installed in the executors' Python, the same
  version as on the driver (e.g. a shared image or a packed venv shipped with `spark.archives`), and
  `spark.pyspark.python` must point to that Python;
- the models must exist on every executor: the `models/` folder of the checkout (or `VACSCREEN_MODELS` pointing at a
  copy), the occupation reference built by `make install` (`vacscreen.occupations.encoder_build build` and
  `vacscreen.occupations.link build`, into `VACSCREEN_CACHE`, default ~/.cache/vacscreen), so that no worker builds
  them on its own;
- the driver's VACSCREEN_MODELS, VACSCREEN_CACHE, VACSCREEN_ENCODER, VACSCREEN_KNELPUNT_CSV and
  VACSCREEN_PROFILES_CSV, as set when `screen_spark` is called, are set in the workers before screening (the
  `--knelpunt-csv`/`--profiles-csv` files of the CLI among them), so their paths must exist on the executors too.
  A worker that already loaded the models keeps them: start a new session after changing them.
- `session()` is for local mode only (it binds the driver to 127.0.0.1); on a cluster build the SparkSession with
  spark-submit's settings and pass it to `screen_files(spark=...)`.
"""
from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Optional, Sequence

from vacscreen import settings
from vacscreen.bulk import COLUMNS, typed_frame

if TYPE_CHECKING:  # pyspark is an optional extra: imported only when used
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.types import StructType

INPUT_FORMATS = ("jsonl", "parquet", "csv")
OUTPUT_FORMATS = ("parquet", "jsonl", "csv")
_THREAD_VARS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")
# The settings of screening that the workers get from the driver (not VACSCREEN_DB: the review store's URL).
# PySpark 4.3 warns on every pandas conversion that it "does not yet fully support pandas >= 3.0.0"; the conversions
# used here (flat string/int/bool/double columns) are checked against screen_frame by tests/test_spark.py.
warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)


def output_schema(keep: Optional["StructType"] = None) -> "StructType":
    """The Spark schema of screen_spark's output: vacscreen.bulk.COLUMNS, then the kept input columns."""
    from pyspark.sql.types import BooleanType, DoubleType, LongType, StringType, StructField, StructType

    types = {"string": StringType(), "int": LongType(), "bool": BooleanType(), "double": DoubleType()}
    fields = [StructField(c, types[t], True) for c, t in COLUMNS.items()]
    return StructType(fields + (list(keep.fields) if keep is not None else []))


def session(app_name: str = "vacscreen", master: str = "local[2]", driver_memory: str = "2g",
            shuffle_partitions: int = 4, conf: Optional[dict[str, str]] = None) -> "SparkSession":
    """A local SparkSession for screening on one machine (getOrCreate: an active session is returned as it is).
    Arrow on, few shuffle partitions, a 2 GB driver, no web UI, Python workers reused (so the models load once per
    worker), driver on 127.0.0.1, and the workers run this Python (sys.executable, unless PYSPARK_PYTHON is set).
    More settings in `conf`, e.g. `session(conf={"spark.local.dir": "/data/tmp"})`; they win over these."""
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    if master.startswith("local"):  # stay on loopback, whatever the host name resolves to
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    settings = {
        "spark.driver.memory": driver_memory,
        "spark.driver.host": "127.0.0.1",
        "spark.driver.bindAddress": "127.0.0.1",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.shuffle.partitions": str(shuffle_partitions),
        "spark.default.parallelism": str(shuffle_partitions),
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        # mapInPandas batches: vacancies are a few kB of text; 1024 rows keeps a worker's input batch small.
        "spark.sql.execution.arrow.maxRecordsPerBatch": "1024",
        "spark.python.worker.reuse": "true",
        "spark.python.worker.faulthandler.enabled": "true",
        "spark.sql.session.timeZone": "UTC",
        **(conf or {}),
    }
    builder = SparkSession.builder.appName(app_name).master(master)
    for key, value in settings.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _column(df: "DataFrame", name: Optional[str], default: Optional[str], alias: str):
    """df[name] as `alias`; a missing optional column with its default name is null, any other missing name fails."""
    from pyspark.sql import functions as F

    if name is not None and name in df.columns:
        return F.col(f"`{name}`").alias(alias)
    if name is None or name == default:
        return F.lit(None).cast("string").alias(alias)
    raise ValueError(f"the DataFrame has no `{name}` column (columns: {df.columns})")


def screen_spark(df: "DataFrame", text_col: str = "text", id_col: Optional[str] = "id",
                 title_col: Optional[str] = "title", occupation_col: Optional[str] = None, batch_size: int = 64,
                 flag_threshold: Optional[float] = None, keep: Sequence[str] = ()) -> "DataFrame":
    """Screen every row of a Spark DataFrame: a lazy DataFrame with one row per input row and the columns of
    vacscreen.bulk.COLUMNS (see output_schema()), the same values as vacscreen.screen_frame on the same rows.

    text_col: the vacancy text (plain text or HTML, string or binary), required.
    id_col, title_col: optional; with their default names ("id", "title") a missing column is null, another name
    must exist. The id is kept as given in `result_json` and as a string in `id`.
    occupation_col: a column of occupation names overriding the linked occupation per row (null: link as usual).
    batch_size: vacancies per spaCy batch in each worker. flag_threshold: as in vacscreen.screen_many.
    keep: input columns carried unchanged into the output after COLUMNS (e.g. a date or region to aggregate on).

    Output order within a partition follows the input; Spark does not order partitions: sort or join on `id` (or a
    kept column) where order matters. See the module docstring for threads, memory and clusters."""
    if text_col not in df.columns:
        raise ValueError(f"the DataFrame has no `{text_col}` column (columns: {df.columns})")
    keep = list(keep)
    for c in keep:
        if c not in df.columns:
            raise ValueError(f"keep: the DataFrame has no `{c}` column (columns: {df.columns})")
        if c in COLUMNS:
            raise ValueError(f"keep: `{c}` clashes with an output column; rename it first")
    if len(set(keep)) != len(keep):
        raise ValueError(f"keep: a column is named twice ({keep})")
    from pyspark.sql import functions as F

    keep_alias = [f"_vacscreen_keep_{i}" for i in range(len(keep))]
    selected = df.select(
        F.col(f"`{text_col}`").alias("text"),
        _column(df, id_col, "id", "id"),
        _column(df, title_col, "title", "title"),
        _column(df, occupation_col, None, "occupation"),
        *[F.col(f"`{c}`").alias(a) for c, a in zip(keep, keep_alias)],
    )
    kept_schema = None
    if keep:
        from pyspark.sql.types import StructType

        kept_schema = StructType([df.schema[c] for c in keep])
    schema = output_schema(kept_schema)
    env = settings.current().to_env()  # the driver's settings, given to each Python worker
    return selected.mapInPandas(_mapper(batch_size, flag_threshold, keep_alias, keep, env), schema)


def _mapper(batch_size: int, flag_threshold: Optional[float], keep_alias: list[str], keep: list[str],
            env: dict[str, str]):
    """The function mapInPandas runs in each Python worker (a closure of plain values: cheap to pickle)."""
    columns = list(COLUMNS) + keep

    def screen_batches(batches: Iterator[Any]) -> Iterator[Any]:
        from collections import deque

        _init_worker(env)
        from vacscreen.api import screen_many
        from vacscreen.bulk import flatten

        kept: deque = deque()

        def rows():
            for pdf in batches:
                values = [pdf[c].tolist() for c in ("text", "id", "title", "occupation")]
                extra = [pdf[c].tolist() for c in keep_alias]
                for i, (text, id_, title, occ) in enumerate(zip(*values)):
                    if extra:
                        kept.append([col[i] for col in extra])
                    yield {"text": _plain(text), "id": _plain(id_), "title": _plain(title),
                           "occupation": _plain(occ)}

        out: list[dict] = []
        for res in screen_many(rows(), batch_size=batch_size, flag_threshold=flag_threshold):
            row = flatten(res)
            if keep:
                row.update(zip(keep, kept.popleft()))
            out.append(row)
            if len(out) >= batch_size:
                yield _frame(out, columns)
                out = []
        if out:
            yield _frame(out, columns)

    return screen_batches


def _init_worker(env: dict[str, str]) -> None:
    """Once per task, before the models load: the driver's screening settings, one numeric thread per task core."""
    os.environ.update(env)
    n = 1
    try:
        from pyspark import TaskContext

        ctx = TaskContext.get()
        n = max(1, int(ctx.cpus())) if ctx is not None else 1
    except Exception:  # older TaskContext without cpus(): one thread
        n = 1
    for var in _THREAD_VARS:
        os.environ[var] = str(n)
    try:  # the occupation encoder runs on torch
        import torch
    except ImportError:
        return
    if torch.get_num_threads() != n:
        torch.set_num_threads(n)


def _plain(v):
    """A pandas/Arrow value as the plain Python value screen_frame would pass: None for null/NaN, Python scalars."""
    if v is None:
        return None
    if isinstance(v, float) and v != v:
        return None
    if hasattr(v, "item") and type(v).__module__ == "numpy":
        return v.item()
    if isinstance(v, bytearray):
        return bytes(v)
    from decimal import Decimal

    if isinstance(v, Decimal):  # a big integer id read from JSON: keep it JSON-serialisable
        return int(v) if v == v.to_integral_value() else float(v)
    try:
        import pandas as pd

        if v is pd.NA or v is pd.NaT:
            return None
    except ImportError:
        pass
    return v


def _frame(rows: list[dict], columns: list[str]):
    """Flat rows as a pandas DataFrame in column order, with nullable dtypes Arrow maps onto the schema."""
    out = typed_frame(rows, columns)
    for col, kind in COLUMNS.items():
        if kind == "string":
            out[col] = out[col].astype(object)
    for col in columns[len(COLUMNS):]:  # kept input columns: Python objects, which Arrow casts to their Spark type
        out[col] = out[col].astype(object).where(out[col].notna(), None)
    return out


def _format(path: str, given: Optional[str], allowed: tuple[str, ...], what: str) -> str:
    fmt = (given or Path(path.rstrip("/")).suffix.lstrip(".")).lower()
    fmt = {"json": "jsonl", "ndjson": "jsonl"}.get(fmt, fmt)
    if fmt not in allowed:
        raise ValueError(f"{path}: unsupported {what} type {fmt!r} (use {', '.join('.' + f for f in allowed)}, "
                         f"or give the format)")
    return fmt


def _is_local(path: str) -> bool:
    return "://" not in path or path.startswith("file://")


def _local(path: str) -> Path:
    return Path(path[len("file://"):] if path.startswith("file://") else path)


def read_vacancies(spark: "SparkSession", input_path: str, input_format: Optional[str] = None) -> "DataFrame":
    """A .jsonl, .parquet or .csv file (or a folder or glob of them, with input_format) as a Spark DataFrame.
    CSV: header row, quoted fields may span lines, `""` escapes a quote (as Python's csv module and pandas write);
    every column a string, an empty field "". JSON Lines: one object per line, types inferred."""
    fmt = _format(str(input_path), input_format, INPUT_FORMATS, "input")
    path = str(input_path)
    if fmt == "jsonl":
        df = spark.read.json(path, mode="PERMISSIVE")
        if not df.columns:  # an empty file: nothing to infer
            df = spark.createDataFrame([], "id string, title string, text string")
        return df
    if fmt == "parquet":
        return spark.read.parquet(path)
    # An empty field is "" (not null), as Python's csv module reads it in the CLI's default engine.
    return spark.read.csv(path, header=True, multiLine=True, escape='"', inferSchema=False).na.fill("")


def screen_files(input_path: str | os.PathLike, output_path: str | os.PathLike, *,
                 spark: Optional["SparkSession"] = None, text_col: str = "text", id_col: Optional[str] = "id",
                 title_col: Optional[str] = "title", occupation_col: Optional[str] = None,
                 occupation: Optional[str] = None, batch_size: int = 64, flag_threshold: Optional[float] = None,
                 input_format: Optional[str] = None, output_format: Optional[str] = None,
                 partitions: Optional[int] = None, overwrite: bool = False) -> int:
    """Screen the vacancies of INPUT with Spark into OUTPUT, in input order; returns the number of rows written.
    The backend of `vacscreen screen INPUT -o OUTPUT --engine spark`.

    input_path: .jsonl, .parquet or .csv with a `text` column (id, title optional; other names via text_col,
    id_col, title_col); a folder or glob with input_format="jsonl"|"parquet"|"csv".
    output_path: .parquet or .csv gives one flat row per vacancy (vacscreen.bulk.COLUMNS, as the CLI's default
    engine writes); .jsonl gives one result object per line (the `result_json` strings). A local path becomes one
    file (written beside it in OUTPUT.spark-tmp/, then moved into place); a remote URI (hdfs://, s3a://, ...) is
    Spark's folder with a single part file. An existing output raises FileExistsError unless overwrite=True.
    occupation: link every vacancy to this occupation (as the CLI's --occupation); occupation_col: per row.
    partitions: how many tasks screen in parallel (default: the larger of Spark's default parallelism and the
    number of input splits). spark: a session to use (default: session(), local[2]; it is left running).

    A JSON line that does not parse becomes a row with null id and text (Spark's PERMISSIVE mode), screened as an
    error row ("no input: ..."), so every input line gets an output row. Not resumable: an interrupted run starts
    again."""
    from pyspark.sql import functions as F

    src, dst = str(input_path), str(output_path)
    out_fmt = _format(dst, output_format, OUTPUT_FORMATS, "output")
    if _is_local(dst) and _local(dst).exists() and not overwrite:
        raise FileExistsError(f"{dst} exists (use overwrite=True)")
    spark = spark or session()
    df = read_vacancies(spark, src, input_format)
    if text_col not in df.columns:
        raise ValueError(f"{src}: no `{text_col}` column (columns: {df.columns})")
    if occupation is not None:
        df = df.withColumn("_vacscreen_occupation", F.lit(occupation))
        occupation_col = "_vacscreen_occupation"
    n = partitions or max(spark.sparkContext.defaultParallelism, df.rdd.getNumPartitions())
    # The input position survives the round-robin repartition (which spreads the screening over the tasks) and
    # orders the single output partition again: sortWithinPartitions needs no sampling pass, so nothing is screened
    # twice.
    df = df.withColumn("_vacscreen_row", F.monotonically_increasing_id()).repartition(n)
    out = screen_spark(df, text_col=text_col, id_col=id_col, title_col=title_col, occupation_col=occupation_col,
                       batch_size=batch_size, flag_threshold=flag_threshold, keep=["_vacscreen_row"])
    out = out.repartition(1).sortWithinPartitions("_vacscreen_row").drop("_vacscreen_row")
    if out_fmt == "jsonl":
        out = out.select("result_json")
    target = dst + ".spark-tmp" if _is_local(dst) else dst
    writer = out.write.mode("overwrite" if overwrite or _is_local(dst) else "errorifexists")
    if out_fmt == "parquet":
        writer.parquet(target)
    elif out_fmt == "jsonl":
        writer.text(target)
    else:
        writer.csv(target, header=True, escape='"')
    if not _is_local(dst):
        return spark.read.parquet(dst).count() if out_fmt == "parquet" else spark.read.text(dst).count()
    return _single_file(_local(target), _local(dst), out_fmt)


def _single_file(folder: Path, output: Path, fmt: str) -> int:
    """Move Spark's one part file out of its folder to `output`; the number of rows written."""
    import shutil

    ext = {"parquet": ".parquet", "jsonl": ".txt", "csv": ".csv"}[fmt]
    parts = sorted(p for p in folder.iterdir() if p.name.startswith("part-") and p.name.endswith(ext))
    if len(parts) != 1:
        raise RuntimeError(f"expected one part file in {folder}, found {[p.name for p in parts]}")
    part = parts[0]
    if fmt == "parquet":
        import pyarrow.parquet as pq

        n = pq.ParquetFile(part).metadata.num_rows
    elif fmt == "jsonl":
        with part.open("rb") as f:
            n = sum(1 for _ in f)
    else:
        import pandas as pd

        n = len(pd.read_csv(part, dtype=str, keep_default_na=False))
    os.replace(part, output)
    shutil.rmtree(folder, ignore_errors=True)
    return n
