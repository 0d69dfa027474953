"""Uploaded vacancy files -> what vacscreen.screen() takes: .txt/.html as bytes (screen decodes them and says
clearly when they are binary), .docx (python-docx) and .pdf (pypdf) as extracted text. Unreadable files raise
FileError with a Dutch message."""
from __future__ import annotations

import io
from pathlib import PurePath
from typing import Union

TEXT_TYPES = ("txt", "html", "htm")
TYPES = (*TEXT_TYPES, "docx", "pdf")


class FileError(ValueError):
    """A file that cannot be read; the message is Dutch and meant for the user."""


def extension(name: str) -> str:
    return PurePath(name or "").suffix.lower().lstrip(".")


def read_upload(name: str, data: bytes) -> Union[str, bytes]:
    """The screenable content of an uploaded file: bytes for .txt/.html, extracted text for .docx/.pdf."""
    ext = extension(name)
    if not data:
        raise FileError(f"Het bestand '{name}' is leeg.")
    if ext in TEXT_TYPES:
        return data
    if ext == "docx":
        return docx_text(data, name)
    if ext == "pdf":
        return pdf_text(data, name)
    raise FileError(f"Bestandstype '.{ext}' wordt niet ondersteund; gebruik .txt, .html, .docx of .pdf."
                    if ext else f"'{name}' heeft geen extensie; gebruik .txt, .html, .docx of .pdf.")


def docx_text(data: bytes, name: str = "bestand.docx") -> str:
    """The paragraphs and table cells of a Word document, in document order, one per line."""
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError:  # pragma: no cover - python-docx is a dependency
        raise FileError("Word-bestanden lezen vraagt het pakket python-docx, dat niet geïnstalleerd is.") from None
    try:
        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []

        def walk(container) -> None:
            for block in container.iter_inner_content():
                if isinstance(block, Paragraph):
                    lines.append(block.text)
                elif isinstance(block, Table):
                    for row in block.rows:
                        cells: list[str] = []
                        for cell in row.cells:  # merged cells repeat: keep each text once per row
                            t = cell.text.strip()
                            if t and t not in cells:
                                cells.append(t)
                        if cells:
                            lines.append(" | ".join(cells))

        walk(document)
    except Exception as e:  # noqa: BLE001 - zipfile, lxml and python-docx raise many kinds
        raise FileError(f"'{name}' kan niet gelezen worden als Word-document (.docx): het bestand is beschadigd "
                        f"of geen .docx ({type(e).__name__}).") from None
    text = "\n".join(lines).strip()
    if not text:
        raise FileError(f"'{name}' bevat geen tekst.")
    return text


def pdf_text(data: bytes, name: str = "bestand.pdf") -> str:
    """The text of every page of a PDF (pypdf), pages separated by a blank line."""
    try:
        from pypdf import PdfReader
    except ImportError:  # pragma: no cover - pypdf is a dependency
        raise FileError("PDF-bestanden lezen vraagt het pakket pypdf, dat niet geïnstalleerd is.") from None
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise FileError(f"'{name}' is geen PDF-bestand (het begint niet met %PDF).")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception:  # noqa: BLE001
                ok = 0
            if not ok:
                raise FileError(f"'{name}' is met een wachtwoord beveiligd; sla de PDF zonder beveiliging op.")
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
    except FileError:
        raise
    except Exception as e:  # noqa: BLE001 - pypdf raises many kinds on broken files
        raise FileError(f"'{name}' kan niet gelezen worden als PDF: het bestand is beschadigd "
                        f"({type(e).__name__}).") from None
    text = "\n\n".join(p for p in pages if p).strip()
    if not text:
        raise FileError(f"'{name}' bevat geen leesbare tekst (misschien een scan; tekstherkenning (OCR) wordt "
                        "niet ondersteund).")
    return text
