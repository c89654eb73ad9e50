"""The same plan on the same date gives the same file, byte for byte.

openpyxl and python-docx date every zip member, and openpyxl the workbook's properties,
with the moment of writing; :func:`reproducible` dates them all with the report date
instead, so two renders can be compared, cached or kept under version control.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

_CORE = "docProps/core.xml"
_STAMPS = re.compile(rb"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")


def reproducible(payload: bytes, day: dt.date) -> bytes:
    """The zip package ``payload`` with every date in it (members, created, modified) set to ``day``."""
    stamp = (max(day.year, 1980), day.month, day.day, 0, 0, 0)  # zip dates start in 1980
    iso = f"{day.isoformat()}T00:00:00Z".encode("ascii")
    source = zipfile.ZipFile(io.BytesIO(payload))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == _CORE:
                data = _STAMPS.sub(lambda m: m.group(1) + iso + m.group(2), data)
            member = zipfile.ZipInfo(info.filename, date_time=stamp)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = info.external_attr
            target.writestr(member, data)
    return buffer.getvalue()
