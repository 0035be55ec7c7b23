"""The views of the analyses narrascope ships: narratives, entities and their roles,
actors, quotes, persuasion techniques, copies and stories, basic statistics.

Each reads the JSON its analyser's ``to_json`` writes, defensively: a missing or
malformed field drops that one item, never the page.
"""

from __future__ import annotations

from typing import Any, Mapping
from urllib.parse import quote

from .views import (Facet, Highlight, Item, as_list, first_str, offsets, register_view,
                    score_text, spans_in)


def page_url(kind: str, value: str) -> str:
    """The app's page for a narrative, entity, speaker or outlet."""
    return f"/{kind}/{quote(value, safe='')}"


def _label_name(obj: Any) -> str:
    if isinstance(obj, str):
        return obj
    if isinstance(obj, dict):
        return first_str(obj, "name", "label", "narrative")
    return ""


class _Labels:
    """Document labels with evidence spans (narratives, sub-narratives)."""

    css = "hl-narrative"
    facet = "narrative"

    @classmethod
    def highlights(cls, text: str, value: Any) -> list[Highlight]:
        out = []
        for obj in as_list(value):
            name = _label_name(obj)
            if isinstance(obj, dict) and name:
                for s, e in spans_in(obj, len(text), "evidence", "spans"):
                    out.append(Highlight(s, e, cls.css, f"{cls.facet}: {name}"))
        return out

    @classmethod
    def items(cls, text: str, value: Any) -> list[Item]:
        out = []
        for obj in as_list(value):
            name = _label_name(obj)
            if not name:
                continue
            ev = list(spans_in(obj, len(text), "evidence", "spans")) if isinstance(obj, dict) else []
            detail = score_text(obj) if isinstance(obj, dict) else ""
            if ev:
                detail += f" · {len(ev)} evidence sentence(s)"
            out.append(Item(name, detail.strip(" ·"), page_url("narratives", name),
                            ev[0][0] if ev else None, cls.css))
        return out

    @classmethod
    def facets(cls, value: Any) -> list[Facet]:
        return [(cls.facet, n, "") for n in (_label_name(o) for o in as_list(value)) if n]


@register_view("narratives", title="Narratives", css="hl-narrative", order=10,
               legend="narrative evidence")
class NarrativesView(_Labels):
    pass


@register_view("subnarratives", title="Sub-narratives", css="hl-narrative", order=11,
               legend="narrative evidence")
class SubnarrativesView(_Labels):
    facet = "subnarrative"


_ROLE_CSS = {"protagonist": "role-protagonist", "antagonist": "role-antagonist",
             "innocent": "role-innocent"}


def _entity_name(m: Mapping[str, Any]) -> str:
    ent = m.get("entity")
    if isinstance(ent, dict):
        return first_str(ent, "name", "label", "id")
    return first_str(m, "entity", "name", "canonical", "text")


def _role(m: Mapping[str, Any]) -> str:
    return first_str(m, "main_role", "role").lower()


@register_view("entities", title="Entities and roles", css="hl-entity", order=20,
               legend="entity",
               extra_legend=(("role-protagonist", "protagonist"),
                             ("role-antagonist", "antagonist"),
                             ("role-innocent", "innocent")))
class EntitiesView:
    @staticmethod
    def highlights(text: str, value: Any) -> list[Highlight]:
        out = []
        for m in as_list(value):
            o = offsets(m, len(text))
            if not o:
                continue
            role = _role(m)
            fine = ", ".join(str(r) for r in as_list(m.get("fine_roles")))
            tip = f"{_entity_name(m)} ({first_str(m, 'type', 'label')})"
            if role:
                tip += f" · {role}" + (f": {fine}" if fine else "")
            out.append(Highlight(*o, "hl-entity " + _ROLE_CSS.get(role, "role-none"), tip))
        return out

    @staticmethod
    def items(text: str, value: Any) -> list[Item]:
        seen: dict[tuple[str, str], Item] = {}
        for m in as_list(value):
            if not isinstance(m, dict):
                continue
            name, role = _entity_name(m), _role(m)
            if not name or (name, role) in seen:
                continue
            o = offsets(m, len(text))
            fine = ", ".join(str(r) for r in as_list(m.get("fine_roles")))
            detail = " · ".join(x for x in (first_str(m, "type", "label"), role, fine) if x)
            seen[(name, role)] = Item(name, detail, page_url("entities", name),
                                      o[0] if o else None, _ROLE_CSS.get(role, ""))
        return list(seen.values())

    @staticmethod
    def facets(value: Any) -> list[Facet]:
        return [("entity", n, _role(m)) for m in as_list(value) if isinstance(m, dict)
                for n in [_entity_name(m)] if n]


@register_view("actors", title="Actors", css="hl-entity", order=21, legend="actor")
class ActorsView:
    @staticmethod
    def items(text: str, value: Any) -> list[Item]:
        out = []
        for a in as_list(value):
            if not isinstance(a, dict):
                continue
            name = _entity_name(a)
            if not name:
                continue
            roles = a.get("roles") or a.get("main_role") or a.get("role") or ""
            roles_text = (", ".join(f"{k} {v}" if not isinstance(v, (list, dict)) else str(k)
                                    for k, v in roles.items()) if isinstance(roles, dict)
                          else ", ".join(map(str, as_list(roles))))
            out.append(Item(name, roles_text, page_url("entities", name)))
        return out

    @staticmethod
    def facets(value: Any) -> list[Facet]:
        out = []
        for a in as_list(value):
            if isinstance(a, dict) and _entity_name(a):
                role = first_str(a, "main_role", "role").lower()
                out.append(("actor", _entity_name(a), role))
        return out


def _speaker(q: Mapping[str, Any]) -> str:
    sp = q.get("speaker")
    if isinstance(sp, dict):
        return first_str(sp, "name", "text", "entity")
    return sp if isinstance(sp, str) else ""


@register_view("quotes", title="Quotes", css="hl-quote", order=30, legend="quote",
               extra_legend=(("hl-speaker", "speaker"), ("hl-cue", "speech verb")))
class QuotesView:
    @staticmethod
    def highlights(text: str, value: Any) -> list[Highlight]:
        out = []
        for q in as_list(value):
            o = offsets(q, len(text))
            if not o:
                continue
            who = _speaker(q) or "unknown speaker"
            out.append(Highlight(*o, "hl-quote", f"quote ({first_str(q, 'kind')}) by {who}"))
            for key, css, tip in (("speaker_span", "hl-speaker", f"speaker: {who}"),
                                  ("cue_span", "hl-cue", "speech verb")):
                so = _span_offsets(q.get(key), len(text))
                if so:
                    out.append(Highlight(*so, css, tip))
        return out

    @staticmethod
    def items(text: str, value: Any) -> list[Item]:
        out = []
        for q in as_list(value):
            o = offsets(q, len(text))
            if not o:
                continue
            who = _speaker(q)
            quoted = first_str(q, "text") or text[o[0]:o[1]]
            if len(quoted) > 160:
                quoted = quoted[:157] + "…"
            out.append(Item(who or "(unknown speaker)", quoted,
                            page_url("speakers", who) if who else None, o[0], "hl-quote"))
        return out

    @staticmethod
    def facets(value: Any) -> list[Facet]:
        return [("speaker", s, "") for s in (_speaker(q) for q in as_list(value)
                                             if isinstance(q, dict)) if s]


def _span_offsets(sp: Any, text_len: int) -> tuple[int, int] | None:
    if isinstance(sp, (list, tuple)) and len(sp) == 2 and all(isinstance(x, int) for x in sp):
        s, e = sp
        return (s, e) if 0 <= s < e <= text_len else None
    return offsets(sp, text_len)


def _technique_text(label: str) -> str:
    """The techniques analyser's own description of ``label``, when it is installed."""
    try:
        from ..analysers.techniques.labels import describe
    except ImportError:
        return ""
    return describe(label)


@register_view("techniques", title="Persuasion techniques", css="hl-technique", order=40,
               legend="persuasion technique")
class TechniquesView:
    @staticmethod
    def highlights(text: str, value: Any) -> list[Highlight]:
        out = []
        for t in as_list(value):
            o = offsets(t, len(text))
            if o:
                label = first_str(t, "label", "name", "technique")
                tip = f"technique: {label} {score_text(t)}".strip()
                about = _technique_text(label)
                out.append(Highlight(*o, "hl-technique", f"{tip}\n{about}" if about else tip))
        return out

    @staticmethod
    def items(text: str, value: Any) -> list[Item]:
        out = []
        for t in as_list(value):
            o = offsets(t, len(text))
            if not o:
                continue
            snippet = text[o[0]:o[1]]
            if len(snippet) > 120:
                snippet = snippet[:117] + "…"
            label = first_str(t, "label", "name", "technique")
            out.append(Item(label.replace("_", " "), snippet, None, o[0], "hl-technique",
                            _technique_text(label)))
        return out

    @staticmethod
    def facets(value: Any) -> list[Facet]:
        return [("technique", first_str(t, "label", "name", "technique"), "")
                for t in as_list(value) if isinstance(t, dict)
                and first_str(t, "label", "name", "technique")]


def _doc_ref(obj: Any) -> str:
    if isinstance(obj, str):
        return obj
    if isinstance(obj, dict):
        return first_str(obj, "id", "doc_id", "other", "b")
    return ""


@register_view("copies", title="Copies of this text", css="hl-copy", order=60,
               legend="passage shared with a copy")
class CopiesView:
    @staticmethod
    def highlights(text: str, value: Any) -> list[Highlight]:
        out = []
        for c in as_list(value):
            if isinstance(c, dict):
                rel = "copied from" if c.get("role") != "source" else "source of"
                for s, e in spans_in(c, len(text), "spans"):
                    out.append(Highlight(s, e, "hl-copy", f"{first_str(c, 'kind')}: {rel} "
                                                          f"{_doc_ref(c)}"))
        return out

    @staticmethod
    def items(text: str, value: Any) -> list[Item]:
        out = []
        for c in as_list(value):
            ref = _doc_ref(c)
            if not ref:
                continue
            detail = ""
            if isinstance(c, dict):
                role = {"source": "source of this", "copy": "copy of this"}.get(
                    first_str(c, "role"), first_str(c, "role"))
                detail = " · ".join(x for x in (first_str(c, "kind", "relation"), role,
                                                score_text(c),
                                                first_str(c, "outlet")) if x)
            out.append(Item(first_str(c, "title", default=ref) if isinstance(c, dict) else ref,
                            detail, f"/articles/{quote(ref, safe='')}"))
        return out


@register_view("story", title="Story", css="", order=61, legend="")
class StoryView:
    @staticmethod
    def items(text: str, value: Any) -> list[Item]:
        if isinstance(value, dict):
            sid = first_str(value, "id", "story_id", "cluster")
            if not sid and isinstance(value.get("id"), int):
                sid = str(value["id"])
            label = first_str(value, "title", "label", default=f"story {sid}")
            members = as_list(value.get("members") or value.get("articles"))
            out = [Item(label, f"{len(members)} article(s)" if members else "",
                        f"/stories/{quote(sid, safe='')}" if sid else None)]
            for m in members[:20]:
                ref = _doc_ref(m)
                if ref:
                    out.append(Item(first_str(m, "title", default=ref) if isinstance(m, dict)
                                    else ref, "", f"/articles/{quote(ref, safe='')}"))
            return out
        if isinstance(value, (str, int)):
            return [Item(f"story {value}", "", f"/stories/{quote(str(value), safe='')}")]
        return []

    @staticmethod
    def facets(value: Any) -> list[Facet]:
        if isinstance(value, dict):
            sid = value.get("id", value.get("story_id"))
            return [("story", str(sid), "")] if sid is not None else []
        return [("story", str(value), "")] if isinstance(value, (str, int)) else []


@register_view("techniques_summary", title="Techniques summary", css="", order=41, legend="")
class TechniquesSummaryView:
    """The article's technique counts and densities, one line per technique under a total
    (the generic view listed the bare numbers without saying what they were)."""

    @staticmethod
    def items(text: str, value: Any) -> list[Item]:
        if not isinstance(value, dict):
            return []
        total = " · ".join(x for x in (
            _number(value.get("spans"), "technique span(s)"),
            _number(value.get("per_1000_words"), "per 1,000 words"),
            _number(value.get("words"), "words"),
            f"{value['share_of_text']:.0%} of the text marked"
            if isinstance(value.get("share_of_text"), (int, float)) else "") if x)
        out = [Item("All techniques", total)] if total else []
        counts = value.get("counts") if isinstance(value.get("counts"), dict) else {}
        density = (value.get("density_by_technique")
                   if isinstance(value.get("density_by_technique"), dict) else {})
        for label, n in sorted(counts.items(), key=lambda kv: (-_num(kv[1]), kv[0])):
            detail = " · ".join(x for x in (_number(n, "span(s)"),
                                            _number(density.get(label), "per 1,000 words")) if x)
            out.append(Item(str(label).replace("_", " "), detail,
                            f"/search?technique={quote(str(label), safe='')}",
                            about=_technique_text(str(label))))
        return out


def _num(v: Any) -> float:
    return float(v) if isinstance(v, (int, float)) else 0.0


def _number(v: Any, unit: str) -> str:
    """``'3 technique span(s)'``; empty when ``v`` is not a number."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return ""
    return f"{v:,} {unit}" if isinstance(v, int) else f"{v:,.2f} {unit}"


@register_view("stats", title="Statistics", css="", order=80, legend="")
class StatsView:
    @staticmethod
    def items(text: str, value: Any) -> list[Item]:
        if not isinstance(value, dict):
            return []
        return [Item(str(k).replace("_", " "), str(v)) for k, v in value.items()
                if isinstance(v, (int, float, str))]
