"""Article text is untrusted: stored markup must show as text and never run."""

from __future__ import annotations

import json
import urllib.request

from e2e_support import TOKEN, shot

PAYLOAD = (
    "Breaking <script>window.__owned = 'script'</script> news\n\n"
    "A report <img src=x onerror=\"window.__owned='img'\"> says "
    "<svg onload=\"window.__owned='svg'\"></svg> that "
    "<a href=\"javascript:window.__owned='link'\">this link</a> and "
    "<iframe srcdoc=\"<script>parent.__owned='iframe'</script>\"></iframe> plus "
    "\"><script>window.__owned='attr'</script> and </script><script>window.__owned=1</script> "
    "are all just words in an article about the harbour."
)


def _post(server: str, body: dict) -> dict:
    req = urllib.request.Request(server + "/api/articles", json.dumps(body).encode(),
                                 {"Content-Type": "application/json",
                                  "Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.loads(r.read())


def test_stored_markup_never_runs(server, page):
    doc_id = _post(server, {"text": PAYLOAD, "title": "<script>window.__owned='title'</script>",
                            "outlet": "<b onmouseover=\"window.__owned='outlet'\">X</b>",
                            "url": "javascript:window.__owned='url'"})["ids"][0]
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for url in (f"/articles/{doc_id}", "/search?q=harbour", "/",
                "/outlets/" + "%3Cb%20onmouseover%3D%22window.__owned%3D'outlet'%22%3EX%3C%2Fb%3E"):
        page.goto(server + url)
        page.wait_for_load_state("load")
        page.mouse.move(200, 200)
        for link in page.locator("a", has_text="this link").all():
            link.click()
        assert page.evaluate("() => window.__owned") is None, url
        assert page.locator("main script, main img, main svg:not(.main-svg *), main iframe"
                            ).count() == 0 or url == "/", url
    page.goto(server + f"/articles/{doc_id}")
    text = page.inner_text("#article-text")
    assert "<script>window.__owned = 'script'</script>" in text
    assert "<img src=x onerror=" in text
    assert page.inner_text("h1") == "<script>window.__owned='title'</script>"
    assert page.locator("#article-text script, #article-text img, #article-text svg, "
                        "#article-text iframe").count() == 0
    assert page.locator("a.external").count() == 0  # the javascript: URL is not a link
    assert not dialogs
    shot(page, "07-xss-article")
