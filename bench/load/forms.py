"""Read a form out of a page as a browser would submit it (standard library only)."""

from __future__ import annotations

from html.parser import HTMLParser


class FormReader(HTMLParser):
    """The fields of the first form whose action contains ``action_part``, as a browser posts them."""

    def __init__(self, action_part: str):
        super().__init__(convert_charrefs=True)
        self.action_part = action_part
        self.action = None
        self.fields: dict[str, str] = {}
        self._inside = self._done = False
        self._select = self._textarea = None
        self._first_option = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self._done and self.action_part in (attrs.get("action") or ""):
            self._inside, self.action = True, attrs.get("action") or ""
        if not self._inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "checkbox", "radio"):
            self.fields[name] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea, self.fields[name] = name, ""
        elif tag == "select" and name:
            self._select, self._first_option = name, None
        elif tag == "option" and self._select:
            value = attrs.get("value") or ""
            if self._first_option is None:
                self._first_option = value
                self.fields[self._select] = value
            if "selected" in attrs:
                self.fields[self._select] = value

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form" and self._inside:
            self._inside, self._done = False, True


def _form_html(page: str, action_part: str) -> str:
    """The first form whose opening tag holds ``action_part``, cut out of the page: the swarm
    runs fifty people in one process, and parsing a whole page stalls everyone's clocks."""
    start = page.find("<form")
    while start >= 0:
        tag_end, end = page.find(">", start), page.find("</form>", start)
        if tag_end < 0 or end < 0:
            break
        if action_part in page[start:tag_end]:
            return page[start : end + len("</form>")]
        start = page.find("<form", end)
    return page  # no such form, or unusual markup: the parser reads it all and decides


def read_form(page: str, action_part: str) -> FormReader | None:
    reader = FormReader(action_part)
    reader.feed(_form_html(page, action_part))
    return reader if reader.action is not None else None
