"""The entity recogniser: rules, grouping, languages, the output contract, training."""

from __future__ import annotations

import json

import pytest

from narrascope.analysers import load_analyser
from narrascope.analysers.entities import recognise
from narrascope.analysers.entities.recogniser import Recogniser
from narrascope.model import Document, Result, doc_id_for


TYPES = {"PER", "ORG", "LOC", "GPE", "NORP"}

EN = ("Russian Foreign Minister Sergey Lavrov said on Monday that Washington was escalating "
      "the conflict. Lavrov added that the Kremlin would answer. Russia's foreign minister "
      "also blamed the White House.\n\nKremlin spokesman Dmitry Peskov said Russians would "
      "not accept the Kiev regime, and Ukrainian soldiers left Kyiv.")


@pytest.fixture(scope="module")
def rec() -> Recogniser:
    """One recogniser (and so one load of each model) for the whole module."""
    return Recogniser()


@pytest.fixture(scope="module")
def en_spans(rec):
    return rec.recognise(EN, "en")


def _find(spans, text):
    return [s for s in spans if s.attrs["text"] == text]


def test_titles_and_multiword_names(en_spans):
    lavrov = _find(en_spans, "Sergey Lavrov")
    peskov = _find(en_spans, "Dmitry Peskov")
    assert lavrov and lavrov[0].label == "PER"
    assert peskov and peskov[0].label == "PER"
    # the title is not part of the name, nor a mention of its own
    assert not any("Minister" in s.attrs["text"] for s in en_spans if s.label == "PER"
                   and s.attrs["text"] != "Russia's foreign minister")


@pytest.mark.parametrize("title", ["Deputy Agriculture Minister", "Interior Minister",
                                   "Ukrainian Finance Minister", "First Deputy Prime Minister",
                                   "Punjab Chief Minister"])
def test_portfolio_titles_are_not_part_of_the_name(rec, title):
    # "Deputy" alone is a title too: without the portfolio titles the name would have been
    # "Agriculture Minister Olena Kravets"
    text = f'"Every ship counts," said {title} Olena Kravets on Monday.'
    people = [s.attrs["text"] for s in rec.recognise(text, "en") if s.label == "PER"]
    assert people == ["Olena Kravets"]


def test_metonyms_and_demonyms(en_spans):
    kinds = {s.attrs["text"]: s.label for s in en_spans}
    assert kinds["Washington"] == "GPE"
    assert kinds["the Kremlin"] == "ORG"
    assert kinds["the White House"] == "ORG"
    assert kinds["Russians"] == "NORP"
    assert kinds["Ukrainian soldiers"] == "NORP"
    assert kinds["Kiev regime"] == "ORG"


def test_lavrov_grouping(en_spans):
    ids = {s.attrs["entity_id"] for s in en_spans
           if s.attrs["text"] in ("Sergey Lavrov", "Lavrov", "Russia's foreign minister")}
    assert len(ids) == 1
    names = {s.attrs["entity"] for s in en_spans if s.attrs["entity_id"] in ids}
    assert names == {"Sergey Lavrov"}
    assert len([s for s in en_spans if s.attrs["entity_id"] in ids]) == 3


def test_kiev_kyiv_grouping(rec):
    spans = rec.recognise("Kiev denied it. Officials in Kyiv said the report was false.", "en")
    places = [s for s in spans if s.attrs["text"] in ("Kiev", "Kyiv")]
    assert len(places) == 2
    assert places[0].attrs["entity_id"] == places[1].attrs["entity_id"]
    assert places[0].attrs["entity"] == "Kyiv"


def test_war_zone_places_group_across_transliterations(rec):
    # Russian state media write the Russian forms, Ukrainian outlets the Ukrainian ones
    spans = rec.recognise("Russian troops shelled Nikolaev on Monday. Officials in Mykolaiv "
                          "said the port of Chornomorsk reopened, and Chasov Yar held.", "en")
    places = {s.attrs["text"]: (s.label, s.attrs["entity"], s.attrs["entity_id"])
              for s in spans if s.label == "GPE"}
    assert places["Nikolaev"] == places["Mykolaiv"] and places["Mykolaiv"][1] == "Mykolaiv"
    assert places["Chornomorsk"][:2] == ("GPE", "Chornomorsk")
    assert places["Chasov Yar"][1] == "Chasiv Yar"


def test_kremlin_and_kiev_regime_are_distinct_entities(en_spans):
    ids = {s.attrs["text"]: s.attrs["entity_id"] for s in en_spans}
    assert ids["Kremlin"] == ids["the Kremlin"]
    assert ids["Kiev regime"] != ids["Kyiv"]


def test_offsets_round_trip(en_spans):
    assert en_spans
    for s in en_spans:
        assert EN[s.start:s.end] == s.attrs["text"]
        assert s.label in TYPES
        assert 0 < s.score <= 1
    starts = [s.start for s in en_spans]
    assert starts == sorted(starts)
    assert all(a.end <= b.start for a, b in zip(en_spans, en_spans[1:]))  # no overlaps


@pytest.mark.parametrize("lang,text,expected", [
    ("en", "NATO troops arrived in Poland, Americans said.", {"NATO troops", "Poland", "Americans"}),
    ("ru", "Президент России Владимир Путин прибыл в Москву, сообщил Кремль.",
     {"Владимир Путин", "Москву", "Кремль"}),
    ("bg", "Президентът на Русия Владимир Путин пристигна в Москва, съобщи Кремъл.",
     {"Владимир Путин", "Москва", "Кремъл"}),
    ("pt", "O porta-voz do Kremlin Dmitri Peskov disse que a NATO ameaça a Rússia.",
     {"Dmitri Peskov", "NATO", "Rússia"}),
    ("hi", "रूस और यूक्रेन के बीच युद्ध पर नाटो ने बयान दिया।", {"रूस", "यूक्रेन", "नाटो"}),
])
def test_each_language(rec, lang, text, expected):
    spans = rec.recognise(text, lang)
    found = {s.attrs["text"] for s in spans}
    assert expected <= found, (lang, found)
    for s in spans:
        assert text[s.start:s.end] == s.attrs["text"]


def test_russian_case_forms_group(rec):
    spans = rec.recognise("Глава МИД Сергей Лавров прибыл в Анкару. Лаврова встретили "
                          "в аэропорту. Москва и Москве.", "ru")
    lav = [s for s in spans if s.attrs["text"] in ("Сергей Лавров", "Лаврова")]
    assert len(lav) == 2 and len({s.attrs["entity_id"] for s in lav}) == 1
    mos = [s for s in spans if s.attrs["text"].startswith("Москв")]
    assert len(mos) == 2 and {s.attrs["entity"] for s in mos} == {"Москва"}


def test_russian_title_genitives(rec):
    # the genitive after a title is not part of the name ("спикер Госдумы Вячеслав
    # Володин"), nor a name when no name follows it ("президент России заявил")
    text = ("Об этом заявил спикер Госдумы Вячеслав Володин. Глава ОП Украины Андрей Ермак "
            "ответил. Народная артистка РФ Раиса Рязанова рассказала.")
    people = {s.attrs["text"] for s in rec.recognise(text, "ru") if s.label == "PER"}
    assert {"Вячеслав Володин", "Андрей Ермак", "Раиса Рязанова"} <= people
    assert not any("Госдумы" in p or "ОП" in p or "РФ" in p for p in people), people
    rules = rec.rules("ru")
    assert rules.titles.search("Об этом заявил президент России на встрече.") is None


def test_russian_war_zone_places_in_any_case_form(rec):
    # the model had taken "Часова Яра" for a person and "Буче" for an organisation
    spans = rec.recognise("Бои идут у Часова Яра, сообщили в Севастополе. Бои в Часовом Яре "
                          "и под Артёмовском продолжаются. В Буче объявлена тревога.", "ru")
    found = {s.attrs["text"]: (s.label, s.attrs["entity"]) for s in spans}
    assert found["Часова Яра"] == found["Часовом Яре"] == ("GPE", "Часов Яр")
    assert found["Артёмовском"] == ("GPE", "Бахмут")
    assert found["Севастополе"] == ("GPE", "Севастополь")
    assert found["Буче"] == ("GPE", "Буча")


def test_bulgarian_war_zone_places(rec):
    # the model had taken "Авдеевка" and "Часов Яр" for people, "Бахмут" for an organisation
    text = "Руските сили напредват към Бахмут и Авдеевка, а боевете край Часов Яр продължават."
    found = {s.attrs["text"]: (s.label, s.attrs["entity"]) for s in rec.recognise(text, "bg")}
    assert found["Бахмут"] == ("GPE", "Бахмут")
    assert found["Авдеевка"] == ("GPE", "Авдеевка")
    assert found["Часов Яр"] == ("GPE", "Часов Яр")


def test_recognise_function_without_pipeline():
    spans = recognise("The Pentagon and NATO met in Brussels.", "en")
    assert {"The Pentagon", "NATO", "Brussels"} <= {s.attrs["text"] for s in spans}


def test_analyser_contract_shape():
    a = load_analyser("entities")
    docs = [Document(doc_id_for(EN), EN, language="en"),
            Document(doc_id_for("Bonjour"), "Le Kremlin a répondu.", language="fr")]
    res = a.analyse(docs, [{}, {}])
    assert [r.doc_id for r in res] == [d.id for d in docs]
    r = res[0]
    assert r.analyser == "entities" and r.version == "17"
    assert Result.from_dict(json.loads(json.dumps(r.to_dict()))) == r
    for s in r.spans:
        assert set(s.attrs) == {"entity", "entity_id", "text"}
        assert isinstance(s.attrs["entity_id"], int)
    out = a.to_json(docs[0], r)
    assert list(out) == ["entities"]
    assert out["entities"] and all(set(m) == {"text", "start", "end", "type", "entity", "score"}
                                   for m in out["entities"])
    m = out["entities"][0]
    assert EN[m["start"]:m["end"]] == m["text"]
    lines = a.to_text(docs[0], r)
    assert any("Sergey Lavrov" in line and "×3" in line for line in lines)
    assert res[1].spans == () and "fr" in res[1].data["skipped"]


def test_name_stops_at_sentence_end_and_lowercase_titles(rec):
    text = "Russian envoy Konstantin Gavrilov. The talks failed, the Alliance said."
    spans = rec.recognise(text, "en")
    assert [s.attrs["text"] for s in spans if s.label == "PER"] == ["Konstantin Gavrilov"]
    alliance = _find(spans, "the Alliance")
    assert alliance and alliance[0].attrs["entity"] == "NATO"


@pytest.mark.parametrize("lang", ["en", "bg", "hi", "pt", "ru"])
def test_shipped_model_per_language(lang):
    from narrascope.analysers.entities.model import SHIPPED, model_path

    path = model_path(lang)
    assert path is not None and path.parent == SHIPPED
    # only label names in the string table: no training text ships with a model
    strings = json.loads((path / "vocab" / "strings.json").read_text(encoding="utf-8"))
    assert set(strings) <= {"PER", "ORG", "LOC", "MISC"}


def test_gazetteer_index_finds_what_a_scan_finds(tmp_path):
    """The prefix index (6, 2 or 1 fixed leading characters) must not lose a variant:
    every variant kind is found where a plain scan of all variants finds it."""
    from narrascope.analysers.entities.rules import LanguageRules, _prefixes

    assert _prefixes("[Rr]ussos", 2) == {"Ru", "ru"}
    assert _prefixes("the Kremlin", 6) == {"the Kr"}
    assert _prefixes("U\\.S\\.", 6) is None and _prefixes("U\\.S\\.", 2) == {"U."}
    assert _prefixes("K?yiv", 2) is None
    (tmp_path / "xx.tsv").write_text(
        "GPE\tKyiv\tKyiv|Kiev\nORG\tKremlin\tthe Kremlin\nGPE\tUnited States\tU\\.S\\.|US|"
        "the United States\nORG\tAzov\t[Aa]zov\\w*\nGPE\tA\tA\n", encoding="utf-8")
    rules = LanguageRules("xx")
    rules._load_gazetteer(tmp_path / "xx.tsv")
    text = ("The Kremlin and the United States met the Kremlin in Kiev; US and U.S. "
            "troops, azovs and A. Kyivan")
    found = [(text[c.start:c.end], c.canonical) for c in rules.find_gazetteer(text)]
    assert found == [("The Kremlin", "Kremlin"), ("the United States", "United States"),
                     ("the Kremlin", "Kremlin"), ("Kiev", "Kyiv"), ("US", "United States"),
                     ("U.S.", "United States"), ("azovs", "Azov"), ("A", "A")]


def test_quoted_group_names_are_found_without_their_quotes():
    """Variants that began with an optional quote were indexed under the quote, which no
    word starts with, and so were never found."""
    from narrascope.analysers.entities.rules import LanguageRules

    for lang, text, name in (("bg", "Групата „Вагнер“ и Вагнер", "Вагнер"),
                             ("ru", "Полк «Азов» и бойцы Азова", "Азов")):
        found = LanguageRules.load(lang).find_gazetteer(text)
        assert [c.canonical for c in found] == [name, name]
        assert all(text[c.start].isalpha() and text[c.end - 1].isalpha() for c in found)


def test_a_titled_persons_full_name_is_a_person_whatever_the_model_says(monkeypatch):
    """The model may tag a full name as a place; once a title rule has shown the surname
    to be a person's ("Mr. Antonov"), the full name is that person and groups with it."""
    from narrascope.analysers.entities.rules import Candidate

    text = ("The Russian ambassador to the US, Anatoly Antonov, spoke on Monday. "
            "Later Mr. Antonov said more.")
    start = text.index("Anatoly")
    rec = Recogniser()
    monkeypatch.setattr(rec, "model_candidates", lambda texts, lang: [
        [Candidate(start, start + len("Anatoly Antonov"), "GPE", "model")]])
    spans = rec.recognise(text, "en")
    found = {text[s.start:s.end]: s for s in spans}
    assert found["Anatoly Antonov"].label == "PER"
    assert found["Antonov"].attrs["entity_id"] == found["Anatoly Antonov"].attrs["entity_id"]
    # a place that merely shares a word with no titled person keeps its type
    monkeypatch.setattr(rec, "model_candidates", lambda texts, lang: [
        [Candidate(0, len("New Antonov"), "GPE", "model")]])
    assert rec.recognise("New Antonov is a town.", "en")[0].label == "GPE"


def test_a_known_name_the_model_ran_on_into_lower_case_words_stands_alone(monkeypatch):
    """The model sometimes carries a name on into the verb or preposition after it; a
    gazetteer name at the span's start wins when every added word is lower case, and a
    span that adds a capitalised word (a longer name) is kept."""
    from narrascope.analysers.entities.rules import Candidate

    text = "Генсек заявил, что НАТО в Вашингтоне обсудит помощь. Армия США вновь ответила."
    ran_on = text.index("НАТО"), text.index(" Вашингтоне")  # "НАТО в"
    longer = text.index("Армия"), text.index(" вновь")       # "Армия США"
    rec = Recogniser()
    monkeypatch.setattr(rec, "model_candidates", lambda texts, lang: [
        [Candidate(*ran_on, "ORG", "model"), Candidate(*longer, "ORG", "model")]])
    found = {text[s.start:s.end] for s in rec.recognise(text, "ru")}
    assert "НАТО" in found and "НАТО в" not in found
    assert "Армия США" in found


def test_two_names_the_model_joined_are_two_mentions_when_one_is_known(monkeypatch):
    """"Odesa and Chornomorsk" tagged as one name is two places (Odesa is in the
    gazetteer, so the other is taken for the same kind); a pair of unknown names
    ("Procter and Gamble") stays one."""
    from narrascope.analysers.entities.rules import Candidate

    text = "Ships left Odesa and Chornomorsk. Procter and Gamble said nothing."
    joined = text.index("Odesa"), text.index(".")
    firm = text.index("Procter"), text.index(" said")
    rec = Recogniser()
    monkeypatch.setattr(rec, "model_candidates", lambda texts, lang: [
        [Candidate(*joined, "ORG", "model"), Candidate(*firm, "ORG", "model")]])
    found = {text[s.start:s.end]: s.label for s in rec.recognise(text, "en")}
    assert found.get("Odesa") == "GPE" and found.get("Chornomorsk") == "GPE"
    assert "Odesa and Chornomorsk" not in found
    assert found.get("Procter and Gamble") == "ORG"


def test_a_preposition_opening_the_sentence_is_not_part_of_the_name(monkeypatch):
    """"From Washington, he promised ..." tagged as one name is Washington; a name that
    only starts with the same letters ("Fromm") is kept whole."""
    from narrascope.analysers.entities.rules import Candidate

    text = "From Washington, he promised aid. Amid Fromm Industries talks, prices rose."
    opened = text.index("From"), text.index(",")
    firm = text.index("Amid"), text.index(" talks")
    rec = Recogniser()
    monkeypatch.setattr(rec, "model_candidates", lambda texts, lang: [
        [Candidate(*opened, "GPE", "model"), Candidate(*firm, "ORG", "model")]])
    found = {text[s.start:s.end] for s in rec.recognise(text, "en")}
    assert "Washington" in found and "From Washington" not in found
    assert "Fromm Industries" in found and "Amid Fromm Industries" not in found


def test_portuguese_model_spans_are_cut_at_lower_case_words(monkeypatch):
    """The Portuguese model runs names on into the words around them ("o regime de Kiev",
    "Os militares ucranianos", "região de Kursk"): the span is cut at each lower-case word
    that is not a connector, loses the sentence opener it starts with and keeps only
    pieces with a capitalised word; "Ministério da Defesa" keeps its connector."""
    from narrascope.analysers.entities.rules import Candidate

    text = ("Os militares ucranianos do regime de Kiev entraram na região de Kursk, "
            "disse o Ministério da Defesa.")
    ran_on = [text.index("Os"), text.index(" entraram")]       # "Os militares ... Kiev"
    region = [text.index("região"), text.index(",")]           # "região de Kursk"
    ministry = [text.index("Ministério"), text.index(".")]     # "Ministério da Defesa"
    rec = Recogniser()
    monkeypatch.setattr(rec, "model_candidates", lambda texts, lang: [
        [Candidate(*ran_on, "ORG", "model"), Candidate(*region, "LOC", "model"),
         Candidate(*ministry, "ORG", "model")]])
    found = {text[s.start:s.end] for s in rec.recognise(text, "pt")}
    assert {"Kiev", "Kursk", "Ministério da Defesa"} <= found
    assert not any(f.startswith(("Os", "região", "regime")) for f in found), found
    # (the demonym "ucranianos" may still be found, by the gazetteer, on its own)
    assert not any("militares" in f for f in found), found
    # languages without a connector list keep the model's span whole
    monkeypatch.setattr(rec, "model_candidates", lambda texts, lang: [
        [Candidate(*region, "LOC", "model")]])
    assert "região de Kursk" in {text[s.start:s.end] for s in rec.recognise(text, "en")}


def _recognised_with_model(monkeypatch, text: str, lang: str, spans, kind: str = "ORG"
                           ) -> dict[str, str]:
    """The recogniser's mentions of ``text`` ({text: type}) when its model finds exactly
    ``spans`` (``(start, end)`` pairs, of type ``kind``)."""
    from narrascope.analysers.entities.rules import Candidate

    rec = Recogniser()
    monkeypatch.setattr(rec, "model_candidates", lambda texts, lang: [
        [Candidate(s, e, kind, "model") for s, e in spans]])
    return {text[s.start:s.end]: s.label for s in rec.recognise(text, lang)}


def test_russian_and_bulgarian_model_spans_without_a_leading_capital_are_cut(monkeypatch):
    """A Russian organisation keeps its lower-case words ("Министерство обороны"), but a
    model span that begins with a lower-case word or holds no capital is a phrase the
    model ran into: it is cut to its capitalised names ("пленарном заседании Думы" ->
    "Думы") or dropped ("войны", "10 июля", a web address); an actor group in lower case
    is still found, by the group rules ("русская армия")."""
    text = ("На пленарном заседании Думы 10 июля Министерство обороны сообщило, что русская "
            "армия продолжает войны. Подробнее: https://www.example.ru/news.")
    spans = [(text.index(name), text.index(name) + len(name)) for name in (
        "пленарном заседании Думы", "10 июля", "Министерство обороны", "войны",
        "https://www.example.ru/news")]
    found = _recognised_with_model(monkeypatch, text, "ru", spans)
    assert found.get("Думы") == "ORG" and found.get("Министерство обороны") == "ORG", found
    assert found.get("русская армия") == "ORG", found
    for phrase in ("пленарном заседании Думы", "10 июля", "войны", "https://www.example.ru/news"):
        assert phrase not in found, found

    text = "Учени от цял свят обсъдиха околната среда в Брюксел."
    phrase = text.index("околната"), text.index(" в Брюксел")
    assert "околната среда" not in _recognised_with_model(monkeypatch, text, "bg", [phrase])


def test_model_spans_lose_unpaired_quotes_and_sentence_openers(monkeypatch):
    """"Вашингтон“" and "«Культура" are the names without the mark the model ran into; a
    quoted name keeps both marks; a Bulgarian span that opens with "Същевременно" or a
    preposition loses it, and what is left must still look like a name ("При агресия")."""
    text = ("Същевременно Лавров каза, че „Вашингтон“ и «Газпром» мълчат. "
            "При агресия ще отговорим.")
    names = ("Същевременно Лавров", "Вашингтон“", "«Газпром»", "При агресия")
    spans = [(text.index(n), text.index(n) + len(n)) for n in names]
    rec = Recogniser()

    class Ent:
        def __init__(self, s, e):
            self.start_char, self.end_char, self.label_, self.text = s, e, "ORG", text[s:e]

    class Doc:
        ents = [Ent(s, e) for s, e in spans]

    class Pipe:
        def pipe(self, texts, batch_size):
            return [Doc() for _ in texts]

    monkeypatch.setattr(rec, "pipeline", lambda lang: Pipe())
    found = {text[s.start:s.end] for s in rec.recognise(text, "bg")}
    assert {"Лавров", "Вашингтон", "«Газпром»"} <= found, found
    assert not any(f.startswith(("Същевременно", "При")) or f.endswith("“") for f in found), found


def test_pronouns_captions_and_units_are_no_one_word_names(monkeypatch):
    """The models take a sentence's first word for a name ("Той", "Фото", "Напомним",
    "Porque"), a month ("Maio") and the unit of a temperature ("Целзий") too."""
    cases = {"bg": "Той каза, че 1,5 градуса Целзий е границата за Европа.",
             "ru": "Напомним, что Фото предоставил Иван Петров.",
             "pt": "Porque em Maio, disse Lula, tudo muda."}
    words = {"bg": ("Той", "Целзий", "Европа"), "ru": ("Напомним", "Фото", "Иван Петров"),
             "pt": ("Porque", "Maio", "Lula")}
    for lang, text in cases.items():
        spans = [(text.index(w), text.index(w) + len(w)) for w in words[lang]]
        found = set(_recognised_with_model(monkeypatch, text, lang, spans))
        assert found & set(words[lang]) == {words[lang][-1]}, found


def test_a_title_with_a_foreign_genitive_is_no_part_of_the_name(monkeypatch):
    """"министра обороны Швеции Пола Йонсона": the title takes the country's genitive, so
    the person is "Пола Йонсона", not "Швеции Пола Йонсона"; a title alone with its genitive,
    tagged by the model as a place, is a person ("Президент Сербии")."""
    text = "По словам министра обороны Швеции Пола Йонсона, Президент Сербии особо выделил это."
    title = text.index("Президент"), text.index(" особо")
    found = _recognised_with_model(monkeypatch, text, "ru", [title], "GPE")
    assert found.get("Пола Йонсона") == "PER" and "Швеции Пола Йонсона" not in found, found
    assert found.get("Президент Сербии") == "PER", found


def test_russian_group_rules_know_more_nationalities_and_not_policies():
    """"французской армии" is a group of the French side; "гражданство" (citizenship) and
    "политике" (policy) are no people."""
    text = "Командование французской армии обсуждало российское гражданство и польской политике."
    names = {text[c.start:c.end] for c in Recogniser().rules("ru").find_groups(text)}
    assert "французской армии" in names, names
    assert not any("гражданство" in n or "политике" in n for n in names), names


def test_two_known_names_the_model_ran_together_are_two_mentions(monkeypatch):
    """"the Russian Federation Dmitry Peskov" tagged as one name is a country and a person
    (both gazetteer names, the first beginning before the model's span); an organisation
    next to a country stays one organisation ("ФСБ России")."""
    from narrascope.analysers.entities.rules import Candidate

    text = "Press Secretary of the President of the Russian Federation Dmitry Peskov spoke."
    joined = text.index("Russian"), text.index(" spoke")
    rec = Recogniser()
    monkeypatch.setattr(rec, "model_candidates", lambda texts, lang: [
        [Candidate(*joined, "GPE", "model")]])
    found = {text[s.start:s.end]: s.label for s in rec.recognise(text, "en")}
    assert found.get("Dmitry Peskov") == "PER", found
    assert not any("Federation Dmitry" in f for f in found), found

    text = "Сотрудники ФСБ России задержали агента."
    org = text.index("ФСБ"), text.index(" задержали")
    monkeypatch.setattr(rec, "model_candidates", lambda texts, lang: [
        [Candidate(*org, "ORG", "model")]])
    assert "ФСБ России" in {text[s.start:s.end] for s in rec.recognise(text, "ru")}


def test_a_weekday_after_a_title_is_no_person():
    spans = recognise("Joe Biden warned Ukraine's president Thursday that Russia could "
                      "attack. On Friday, Lavrov replied.", "en")
    found = {s.attrs["text"] for s in spans}
    assert "Thursday" not in found and "Friday" not in found, found
    assert "Joe Biden" in found


def test_the_states_is_the_united_states():
    spans = recognise("It is repeated in Russia and in the States themselves. "
                      "The Baltic States objected.", "en")
    by_text = {s.attrs["text"]: s.attrs["entity"] for s in spans}
    assert by_text.get("the States") == "United States", by_text
    assert by_text.get("Baltic States") != "United States", by_text


def test_a_model_span_is_cut_at_line_breaks():
    """The models read one sentence at a time in training; given a headline and the next
    line, they sometimes run a name over the break ("Андрей Ермак.\\nПо данным", ":\\n").
    A span becomes its lines, without the punctuation at their ends (an initial keeps its
    full stop), and a piece with no letter is dropped."""
    from narrascope.analysers.entities.recogniser import _line_pieces

    text = "сказал Андрей Ермак.\nПо данным агентства, В.\nПутин\n:\nконец"
    start = text.index("Андрей")
    pieces = [text[a:b] for a, b in _line_pieces(text, start, text.index("\nконец"))]
    assert pieces == ["Андрей Ермак", "По данным агентства, В.", "Путин"], pieces
    # a span on one line is left as it is
    assert _line_pieces(text, 0, 6) == [(0, 6)]


@pytest.mark.parametrize("span,pieces", [
    ("Вооруженных сил Украины (ВСУ)", ["Вооруженных сил Украины", "ВСУ"]),
    ("Organização do Tratado do Atlântico Norte (NATO", ["Organização do Tratado do "
                                                        "Atlântico Norte", "NATO"]),
    ("Генсек НАТО Йенс Столтенберг (фото)", ["Генсек НАТО Йенс Столтенберг"]),
    ("Световната метеорологична организация (СМО) твърди",
     ["Световната метеорологична организация", "СМО"]),
    ("da Organização (NATO)", ["da Organização", "NATO"]),
    ("Plain Name", ["Plain Name"]),
])
def test_a_model_span_is_cut_at_brackets(span, pieces):
    """A name and its abbreviation in brackets are two mentions (the task annotates them
    so, and the abbreviation then groups with the name); lower-case words after a bracket
    are not part of a name; the first piece is left to the language's own cuts."""
    from narrascope.analysers.entities.recogniser import _bracket_pieces

    text = f"x {span} y"
    got = [text[a:b] for a, b in _bracket_pieces(text, 2, 2 + len(span))]
    assert got == pieces


def test_a_title_rule_name_stays_on_the_title_line():
    text = "Protesters Disrupt President Biden’s Campaign Office\n\nEasy Ways To Save Money"
    found = {text[s.start:s.end] for s in recognise(text, "en")}
    assert not any("\n" in f for f in found), found


def test_russian_and_bulgarian_model_spans_are_cut_like_portuguese(monkeypatch):
    """Russian and Bulgarian people and places never hold lower-case words, so their model
    spans are cut there ("Соединенные Штаты разрешат Украине бить"); a place keeps its
    region noun ("Белгородской области"), an initial is no preposition ("В. Орбан"), a
    sentence end inside a span cuts it ("ЛНР. Тогдашний"), a known country before a
    person is its own mention ("США Дональда Трампа"), and organisations keep their
    lower-case words ("Министерство обороны России")."""
    from narrascope.analysers.entities.rules import Candidate

    text = ("Соединенные Штаты разрешат Украине бить по Белгородской области. "
            "Премьер В. Орбан заявил. Вернулся в ЛНР. Тогдашний министр приехал. "
            "Это план США Дональда Трампа, сообщило Министерство обороны России.")

    def span(first: str, last: str, kind: str) -> Candidate:
        start = text.index(first)
        return Candidate(start, text.index(last, start) + len(last), kind, "model")

    rec = Recogniser()
    monkeypatch.setattr(rec, "model_candidates", lambda texts, lang: [[
        span("Соединенные", "бить", "GPE"), span("Белгородской", "области", "GPE"),
        span("В. Орбан", "заявил", "PER"), span("ЛНР", "Тогдашний", "GPE"),
        span("США", "Трампа", "PER"), span("Министерство", "России", "ORG")]])
    found = {text[s.start:s.end]: s.label for s in rec.recognise(text, "ru")}
    for name in ("Соединенные Штаты", "Украине", "Белгородской области", "В. Орбан", "ЛНР",
                 "Дональда Трампа", "США", "Министерство обороны России"):
        assert name in found, (name, found)
    assert found["Дональда Трампа"] == "PER"
    # (a capitalised word that opens the next sentence may stay a piece: "Тогдашний")
    assert not any(w in f for f in found for w in ("бить", "заявил", "министр", "ЛНР.")), " | ".join(found)


def test_a_title_and_name_the_model_typed_as_an_organisation_is_the_person(monkeypatch):
    from narrascope.analysers.entities.rules import Candidate

    text = "Президент России Владимир Путин прибыл в Москву."
    rec = Recogniser()
    monkeypatch.setattr(rec, "model_candidates", lambda texts, lang: [
        [Candidate(0, text.index(" прибыл"), "ORG", "model")]])
    found = {text[s.start:s.end]: s.label for s in rec.recognise(text, "ru")}
    assert found.get("Владимир Путин") == "PER", found
    assert not any(f.startswith("Президент") for f in found), found
