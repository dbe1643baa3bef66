"""A MySQL report names its modes the MySQL client's way (ssl-mode, DISABLED ... VERIFY_IDENTITY), and marks the
user's own in the text and in the HTML report."""

from __future__ import annotations

import io

from dbdoctor.checking import CheckInput
from dbdoctor.mysql.pipeline import check
from dbdoctor.render.html import render_html
from dbdoctor.render.text import render_check


def test_mysql_modes_are_ssl_mode_and_yours_is_marked() -> None:
    r = check(CheckInput(text="mysql://app:x@127.0.0.1:1/app?ssl-mode=REQUIRED", environ={}, timeout=1))
    out = io.StringIO()
    render_check(r, out)
    text = out.getvalue()
    assert "What each ssl-mode would do" in text and "What each sslmode" not in text
    assert next(line for line in text.splitlines() if "<- yours" in line).split()[0] == "REQUIRED"
    page = render_html(r)
    assert "What each ssl-mode would do" in page
    assert "REQUIRED  (yours)" in page and page.count("(yours)") == 1
