"""The recogniser: a statistical model and the rules, merged into non-overlapping mentions.

Candidates come from four sources: the language's spaCy model (``model``), the
gazetteer, the group rules and the title rules. Overlaps are resolved greedily, longest
span first and, at equal length, rules before the model, so "Kyiv regime" beats "Kyiv"
and "the Washington Post" beats "Washington". Types follow the output contract:

* PER people; ORG organisations and institutions used as actors ("the Kremlin");
* GPE countries, cities and regions, including capitals used for governments;
* LOC other places (seas, rivers, mountains);
* NORP nationalities and groups ("Russians", "Ukrainian soldiers"). The English model's
  MISC spans become NORP when they look like nationality words, and are dropped otherwise.
"""

from __future__ import annotations

import bisect
import re
from typing import Sequence

from ...model import Span
from ...text import paragraphs
from .grouping import INFLECTED, group_mentions, word_key
from .model import load_pipeline
from .rules import WEEKDAYS, Candidate, LanguageRules

__all__ = ["Recogniser", "recognise", "SUPPORTED", "SOURCE_SCORES"]

SUPPORTED = ("en", "bg", "hi", "pt", "ru")
_WORD = re.compile(r"\w+")
#: A fixed confidence per source: the transition-based parser gives no probabilities cheaply.
SOURCE_SCORES = {"gazetteer": 0.95, "rule": 0.9, "title": 0.9, "role": 0.7, "model": 0.8}
_PRIORITY = {"gazetteer": 0, "rule": 1, "title": 2, "model": 3}

_NON_GPE = re.compile(r"\b(?:River|Sea|Ocean|Lake|Gulf|Strait|Bay|Mountains?|Mount|Island|"
                      r"Islands|Peninsula|Desert|Valley|Canal|Coast|Forest)\b")
#: MISC spans kept as NORP: plural nationality/group words ("Germans", "Israelis"); the
#: adjectives ("German") name no actor on their own, and the group rule covers "German troops".
_NORP_LIKE = re.compile(r"^(?:[A-Z][a-z]+(?:ans|ese|is|ks|ts|ps|rs|ns|ites|ists)|Poles|Jews|"
                        r"Arabs|Kurds|Serbs|Turks|Croats|Czechs|Slovaks|Swedes|Finns|Danes|Scots)$")
_ENDING_AT = re.compile(r"\w*")
_WORD_AFTER = re.compile(r"[\w\-]")
#: words the model sometimes takes into a name at its start: articles, conjunctions and the
#: prepositions that open a sentence ("From Washington, he promised ...")
_LEADING = re.compile(r"^(?:the|The|a|A|Neither|Either|Both|And|But|Meanwhile|While|As|If|"
                      r"From|In|For|With|After|Before|Since|Against|Despite|Unlike|During|"
                      r"Amid|Through|Via|Including)\s+")
#: Capitalised words the model sometimes takes for a one-word name at a sentence start.
_NOT_NAMES = frozenset("""Moreover However Meanwhile Details Also According Earlier Later
Furthermore Therefore Thus Nevertheless Nonetheless Instead Indeed Still Yet Then Now Today
Yesterday Tomorrow This That These Those There Here What Which When Where Why How Who
Read More Photo Video Source Update Breaking Opinion Analysis Subscribe Share Reports""".split()
                       ) | WEEKDAYS


#: Per language, words the models take for a one-word name at a sentence start (pronouns,
#: sentence adverbs, quantifiers, captions, months, units), beside the openers below
_NOT_NAMES_IN = {
    "ru": frozenset("""Фото Видео Источник Читайте Подробнее Напомним Напомню Отметим Добавим
Кстати Он Она Оно Они Мы Вы Я Его Ее Её Их Это Эти Этот Эта Тот Та Те Там Тут Здесь Сейчас
Тоже Впрочем Поэтому Цельсия Целсия Скриншот Иллюстрация Справка Реклама Главное""".split()),
    "bg": frozenset("""Снимка Снимки Видео Източник Прочетете Още Вижте Той Тя То Те Ние Вие
Аз Него Нея Тях Тази Този Тези Там Тук Всъщност Целзий Целзиеви Реклама Припомняме
Напомняме""".split()),
    "pt": frozenset("""Porque Além Acho Penso Trata-se Poucas Poucos Centenas Milhares Difícil
Compreendemos Falam Quais Alguns Algumas Outra Outro Outros Outras Muitos Muitas Vários Várias
Eventos Suspeito Janeiro Fevereiro Março Abril Maio Junho Julho Agosto Setembro Outubro
Novembro Dezembro Verão Inverno Primavera Outono""".split()),
    # Devanagari has no capitals: common nouns, verbs and adverbs the Hindi model tags,
    # which the repetition of names then spreads through an article; months and weekdays
    "hi": frozenset("""युद्ध जंग रही रहा रहे हमला कानून साल मिसाइल व्यापार ड्रोन हवाई आसमान वार्ता
मुलाकात अंदर तापमान प्रदेश जलवायु मिथेन खत्म दरअसल प्रभाव प्रवास रात मोर्चे समस्या विज्ञान
बहु वाले भाषण सत्ता गोला किलो कब्जे कनेक्टिविटी गैर दृष्टिकोण संस्करण क्षमता तेज तरीका वाहन
खेती बाज़ार बाजार शहर मांग बढ़ा बार चैनल तबाही टक्कर समझौते समझौता प्रतिस्पर्धा बाढ़ वार्मिंग
आतंकवाद मानवीय इस्तीफा गंभीरता खाद्य ज्यादा डेटा पूरी ग्रह इतिहास सवाल अभी जिसकी तेल
जनवरी फरवरी मार्च अप्रैल जून जुलाई अगस्त सितंबर अक्टूबर नवंबर दिसंबर
सोमवार मंगलवार बुधवार गुरुवार शुक्रवार शनिवार रविवार""".split()),
}

#: Per language, the lower-case words a name may contain ("Ministério da Defesa", "Poços
#: de Caldas"): a model span is cut at any other lower-case word (:func:`_cut_lower`).
#: Languages absent here keep the model's spans whole.
_CONNECTORS = {
    "pt": frozenset("de da do das dos d del la di von van der y du des le".split()),
    "ru": frozenset("де да ди дер ла ле фон ван бен ибн аль эль эд ад".split()),
    "bg": frozenset("де да ди дер ла ле фон ван бен ибн ал ел".split()),
}
#: Per language, the types whose model spans are cut (absent: all). Russian and
#: Bulgarian organisations hold lower-case words ("Министерство обороны", "Вооруженных
#: сил Украины"); their people and places do not ("Путин заявил", "Россия готова").
_CUT_TYPES = {"ru": frozenset({"PER", "GPE", "LOC"}), "bg": frozenset({"PER", "GPE", "LOC"})}
#: ... but a model span of any type that begins with a lower-case word or holds no capital
#: is cut as well: a Russian or Bulgarian name begins with a capital, and such spans are
#: phrases the model ran into ("пленарном заседании Думы" -> "Думы", "войны", "10 июля",
#: "околната среда"); the lower-case groups that are actors ("украинские спецслужбы")
#: are the group rules' and the gazetteer's to find.
#: Per language, capitalised words that open a sentence rather than a name ("Os militares
#: ucranianos" must not leave "Os"): dropped from the start of a cut span.
_OPENERS = {
    "pt": frozenset("""O A Os As Um Uma Uns Umas E Mas Em No Na Nos Nas Do Da Dos Das De Para
Por Pelo Pela Pelos Pelas Com Sem Sobre Apesar Segundo Após Desde Como Se Quando Enquanto Ao
À Aos Às Este Esta Estes Estas Esse Essa Isso Isto Aquele Aquela Também Já Ainda Contudo
Porém Entretanto Assim Depois Antes Hoje Ontem Agora Até Entre Num Numa Sua Seu Suas Seus
Nesta Neste Nessa Nesse Ele Ela Eles Elas Não Sim Mais Muito Cada Todos Todas""".split()),
    "ru": frozenset("""В Во На По С Со К Ко О Об У За Из Для При После До Между Как Это
Но И А Же Ни Не Что Чем Также Теперь Сегодня Вчера Ранее Однако Кроме Хотя Когда Если
Без Против Через Над Около Согласно Впрочем Поэтому Несмотря Благодаря Вслед Зато""".split()),
    "bg": frozenset("""В Във На По С Със К Към О За Из От Для При След До Между Като Това
Но И А Не Че Също Сега Днес Вчера По-рано Обаче Освен Макар Когато Ако Без Срещу Чрез
Над Около Според Въпреки Същевременно Междувременно Затова Така Тогава""".split()),
}
#: Per language, lower-case words that end a place name after its adjective
#: ("Белгородской области", "Курского района"); :func:`_cut_lower` keeps them.
_TAILS = {
    "ru": frozenset("область области областью край края краю крае район района районе "
                    "округ округа округе".split()),
    "bg": frozenset("област областта район района околия".split()),
}
#: Languages whose model spans are also cut at a sentence's end (:func:`_cut_sentences`)
#: and lose a known country or organisation at a person's start (:func:`_drop_known_prefix`).
_CUT_SENTENCES = frozenset({"ru", "bg"})
_SENTENCE_END = re.compile(r"([.?!:;])\s+(?=[\w\"«„“(])")
#: a full stop that ends an initial or an abbreviation, not a sentence
_ABBREVIATION = re.compile(r"(?:(?<![\w\-])\w|\b(?:им|св|ул|пр|г-н|г-жа|гр|ген|проф|акад|Св|Ген|Проф))\.$")
_NAME_WORD = re.compile(r"\w[\w\-']*")
_SPACES = re.compile(r"\s+")
#: a line of a model span, without the white space at its ends
_LINE_PIECE = re.compile(r"[^\s](?:[^\n]*[^\s])?")
_END_PUNCT = frozenset(".,:;!?…*\ufeff")
#: the pieces of a span between brackets, without the spaces at their ends
_BRACKET_PIECE = re.compile(r"[^\s()](?:[^()]*[^\s()])?")


class Recogniser:
    """Finds and groups entity mentions; loads each language's resources on first use."""

    def __init__(self) -> None:
        self._pipelines: dict[str, object] = {}
        self._rules: dict[str, LanguageRules] = {}

    def pipeline(self, lang: str):
        if lang not in self._pipelines:
            self._pipelines[lang] = load_pipeline(lang)
        return self._pipelines[lang]

    def rules(self, lang: str) -> LanguageRules:
        if lang not in self._rules:
            self._rules[lang] = LanguageRules.load(lang)
        return self._rules[lang]

    @staticmethod
    def language_of(language: str | None) -> str | None:
        lang = (language or "en").split("-")[0].lower()
        return lang if lang in SUPPORTED else None

    # -- candidates ------------------------------------------------------------------------

    def model_candidates(self, texts: Sequence[str], lang: str) -> list[list[Candidate]]:
        """Model spans for each text (paragraph by paragraph, as the model was trained)."""
        nlp = self.pipeline(lang)
        out: list[list[Candidate]] = [[] for _ in texts]
        if nlp is None:
            return out
        chunks = [(i, s, t[s:e]) for i, t in enumerate(texts)
                  for p in paragraphs(t) for s, e in _windows(t, p.start, p.end)]
        # One spaCy batch for all the paragraphs of a pipeline batch: larger matrices for
        # the CNN and the tagger's state layer, the same predictions (10% less CPU than
        # batches of 64 paragraphs on 100 English articles).
        docs = nlp.pipe((c[2] for c in chunks), batch_size=1000)
        # (in Hindi a quoted word is often no name, and a name found once is looked for
        # again through the article: its spans keep their quotation marks)
        capitalised = self.rules(lang).capitalised
        for (i, offset, _), doc in zip(chunks, docs):
            for ent in doc.ents:
                kind = self._model_type(ent.label_, ent.text)
                if kind:
                    out[i].extend(
                        Candidate(*(_unpaired_quotes(texts[i], a, b) if capitalised
                                    else (a, b)), kind, "model")
                        for s, e in _line_pieces(texts[i], offset + ent.start_char,
                                                 offset + ent.end_char)
                        for a, b in _bracket_pieces(texts[i], s, e))
        return out

    @staticmethod
    def _model_type(label: str, text: str) -> str | None:
        if label == "LOC":
            return "LOC" if _NON_GPE.search(text) else "GPE"
        if label == "MISC":
            return "NORP" if _NORP_LIKE.match(text) else None
        return label if label in ("PER", "ORG") else None

    def candidates(self, text: str, lang: str, model: list[Candidate]) -> list[Candidate]:
        rules = self.rules(lang)
        gaz = rules.find_gazetteer(text)
        titles = rules.find_titles(text)
        cands = gaz + rules.find_groups(text) + rules.find_latin(text) + titles
        by_span = {(c.start, c.end): c for c in gaz}
        gaz_end = {}  # the end of the longest gazetteer match at each start
        inner = {}  # the gazetteer names by the starts of their later words
        for g in gaz:
            gaz_end[g.start] = max(g.end, gaz_end.get(g.start, g.end))
            if rules.capitalised:
                for m in _SPACES.finditer(text, g.start, g.end):
                    inner[m.end()] = g
        # The words before a titled name ("Russian Foreign Minister") are not a mention.
        heads = [(t.head_start, t.start) for t in titles]
        surnames = _surnames(text, titles)
        connectors = _CONNECTORS.get(lang)
        if connectors is not None:
            openers = _OPENERS.get(lang, frozenset())
            types = _CUT_TYPES.get(lang)
            tails = _TAILS.get(lang, frozenset())
            if lang in _CUT_SENTENCES:
                model = [_drop_openers(text, p, openers)
                         for c in model for p in _cut_sentences(text, c)]
            model = [p for c in model for p in (
                _cut_lower(text, c, connectors, openers, tails)
                if types is None or c.type in types or not _capitalised(text, c) else [c])]
        for c in model:
            c = _trim_title(text, c, rules)
            if c is not None and lang in _CUT_SENTENCES:
                c = _drop_known_prefix(text, c, gaz_end, by_span)
            if c is None or any(s <= c.start and c.end <= e for s, e in heads):
                continue
            # The model agrees with the gazetteer on a span: keep the gazetteer's type and name.
            if (c.start, c.end) in by_span:
                continue
            # A known name the model ran on into the next words ("НАТО в Вашингтоне",
            # "ВСУ вновь"): when all the words it added are lower case, the name stands.
            if rules.capitalised and _lower_tail(text, gaz_end.get(c.start, c.end), c.end):
                continue
            # Two known names run together ("the Russian Federation Dmitry Peskov"): both
            # are candidates already, the joined span is not a name.
            if rules.capitalised and _two_known(text, c, gaz_end, by_span, inner):
                continue
            # Two names joined into one ("the ports of Odesa and Chornomorsk"): when one of
            # them is a known name, they are two mentions of the known name's kind.
            parts = _coordinated(text, lang, c, by_span) if rules.capitalised else None
            if parts is not None:
                cands += parts
                continue
            cands.append(_as_person(text, c, surnames))
        extra = [rules.extend_regime(text, c) for c in cands]
        return cands + [c for c in extra if c is not None]

    # -- public ----------------------------------------------------------------------------

    def recognise_many(self, texts: Sequence[str], language: str | None) -> list[list[Span]]:
        lang = self.language_of(language)
        if lang is None:
            return [[] for _ in texts]
        model = self.model_candidates(texts, lang)
        out = []
        for text, m in zip(texts, model):
            chosen = resolve_overlaps(self.candidates(text, lang, m))
            rules = self.rules(lang)
            chosen = resolve_overlaps(chosen + repeat_names(text, chosen, lang,
                                                            rules.capitalised))
            out.append(group_mentions(text, chosen, rules, SOURCE_SCORES))
        return out

    def recognise(self, text: str, language: str | None = "en") -> list[Span]:
        return self.recognise_many([text], language)[0]


#: the word that joins two names, per language
_AND = {"en": "and", "bg": "и", "ru": "и", "pt": "e", "hi": "और"}


def _coordinated(text: str, lang: str, c: Candidate,
                 known: dict[tuple[int, int], Candidate]) -> list[Candidate] | None:
    """The two names of a model span ``X and Y`` whose X or Y is a gazetteer name (the
    known one is already a candidate; the other becomes one, of the known one's type), or
    None when the span is not two such names ("Johnson and Johnson" stays one)."""
    word = _AND.get(lang)
    if word is None:
        return None
    m = re.fullmatch(rf"(.+?)\s+{word}\s+(.+)", text[c.start:c.end])
    if m is None or not (m.group(1)[:1].isupper() and m.group(2)[:1].isupper()):
        return None
    left = (c.start, c.start + m.end(1))
    right = (c.start + m.start(2), c.end)
    if left in known and right in known:
        return []
    if left in known:
        return [Candidate(*right, known[left].type, "model")]
    if right in known:
        return [Candidate(*left, known[right].type, "model")]
    return None


def _two_known(text: str, c: Candidate, gaz_end: dict[int, int],
               known: dict[tuple[int, int], Candidate], inner: dict[int, Candidate]) -> bool:
    """True when the model span is two gazetteer names with only white space between them
    ("Russian Federation Dmitry Peskov", "Kremlin Dmitri Peskov"); the first may begin
    before the span ("the Russian Federation", found through ``inner``: the gazetteer
    names by the starts of their words after the first). An organisation next to a
    country is one organisation's name ("U.S. State Department", "ФСБ России")."""
    end = gaz_end.get(c.start)
    first = known.get((c.start, end)) if end is not None else inner.get(c.start)
    if first is None or first.end >= c.end:
        return False
    rest = first.end
    while rest < c.end and text[rest].isspace():
        rest += 1
    second = known.get((rest, c.end))
    if rest == first.end or second is None:
        return False
    return {first.type, second.type} != {"ORG", "GPE"}


def _cut_lower(text: str, c: Candidate, connectors: frozenset[str],
               openers: frozenset[str] = frozenset(),
               tails: frozenset[str] = frozenset()) -> list[Candidate]:
    """The names in a model span, cut at each lower-case word that is not a connector
    and without lower-case words at their ends: the Portuguese model runs names on into
    the words around them ("regime de Kiev", "povo da Ucrânia", "Zelensky de querer
    prolongar o conflito"). A piece loses the sentence openers it starts with ("Os"), and
    one with no word that begins with a capital letter names nothing ("região", "2022")."""
    pieces: list[list[re.Match]] = []
    words: list[re.Match] = []
    for m in _NAME_WORD.finditer(text, c.start, c.end):
        w = m.group()
        if w[0].isupper() or w[0].isdigit():
            words.append(m)
        elif words and w.lower() in connectors:
            continue
        elif words and w in tails and words[-1].end() == m.start() - 1:
            words.append(m)  # "Белгородской области": the place's own noun ends it
            pieces.append(words)
            words = []
        elif words:
            pieces.append(words)
            words = []
    if words:
        pieces.append(words)
    out = []
    for words in pieces:
        # an opener, not an initial ("В. Орбан")
        while words and words[0].group() in openers and text[words[0].end():words[0].end() + 1] != ".":
            words = words[1:]
        if any(m.group()[0].isupper() for m in words):
            out.append((words[0].start(), words[-1].end()))
    if out == [(c.start, c.end)]:
        return [c]
    return [Candidate(s, e, c.type, c.source, c.canonical, c.role, c.qualifier)
            for s, e in out]


def _drop_openers(text: str, c: Candidate, openers: frozenset[str]) -> Candidate:
    """A model span without the sentence openers it begins with ("При агресия",
    "Същевременно Лавров"); what is left is cut or kept as any other span."""
    start = c.start
    for m in _NAME_WORD.finditer(text, c.start, c.end):
        if m.group() not in openers or text[m.end():m.end() + 1] != " ":
            break
        start = m.end() + 1
    if start == c.start or start >= c.end:
        return c
    return Candidate(start, c.end, c.type, c.source, c.canonical, c.role, c.qualifier)


def _capitalised(text: str, c: Candidate) -> bool:
    """True when a span begins with a capital letter or a digit and holds a capital
    ("Министерство обороны", "5 Канал"; not "войны в Украине", "10 июля")."""
    head = text[c.start:c.start + 1]
    return not head.islower() and any(ch.isupper() for ch in text[c.start:c.end])


def _cut_sentences(text: str, c: Candidate) -> list[Candidate]:
    """A model span cut where a sentence or a headline's clause ends inside it ("ЛНР.
    Тогдашний глава", "Путин: согласие Киева", "лета? Дания"); a full stop after one
    letter is an initial ("В. Орбан") and after a known abbreviation part of the name."""
    cuts = [m for m in _SENTENCE_END.finditer(text, c.start, c.end)
            if not (m.group(1) == "." and _ABBREVIATION.search(text, c.start, m.start() + 1))]
    if not cuts:
        return [c]
    out, pos = [], c.start
    for m in cuts:
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, c.end))
    return [Candidate(a, b, c.type, c.source, c.canonical, c.role, c.qualifier)
            for a, b in out if any(ch.isalpha() for ch in text[a:b])]


def _drop_known_prefix(text: str, c: Candidate, gaz_end: dict[int, int],
                       known: dict[tuple[int, int], Candidate]) -> Candidate:
    """A person whose span starts with a known country or organisation ("США Дональда
    Трампа", "Венгрии Виктор Орбан", "МИД Германии Анналена Бербок"): the known name is
    a candidate of its own, the person is the rest."""
    start = c.start
    while c.type == "PER":
        end = gaz_end.get(start)
        g = known.get((start, end)) if end is not None else None
        if g is None or g.type not in ("GPE", "ORG") or end >= c.end:
            break
        rest = end
        while rest < c.end and text[rest].isspace():
            rest += 1
        if rest == end or not text[rest].isupper():
            break
        start = rest
    if start == c.start:
        return c
    return Candidate(start, c.end, c.type, c.source, c.canonical, c.role, c.qualifier)


def _lower_tail(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` has words and every one begins in lower case."""
    words = _WORD.findall(text, start, end)
    return bool(words) and all(w[0].islower() for w in words)


def _line_pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A model span as names: the models were trained on one sentence at a time and
    sometimes run a name over a line break into the next line ("Андрей Ермак.\nПо
    данным", ":\n"), so a span is cut at line breaks, each piece loses the punctuation at
    its ends (not the full stop of an initial, "В."), and a piece without a letter or
    digit names nothing."""
    if text.find("\n", start, end) < 0:
        return [(start, end)]
    out = []
    for m in _LINE_PIECE.finditer(text, start, end):
        a, b = m.start(), m.end()
        while b > a and (text[b - 1] in _END_PUNCT and not (
                text[b - 1] == "." and b - a >= 2 and text[b - 2].isalpha()
                and (b - a == 2 or not text[b - 3].isalnum()))):
            b -= 1
        while a < b and text[a] in _END_PUNCT:
            a += 1
        if a < b and any(ch.isalnum() for ch in text[a:b]):
            out.append((a, b))
    return out


#: the closing quotation marks, each with the opening marks it may close
_QUOTE_PAIRS = {"»": "«", "“": "„“", "”": "“„", '"': '"'}
_OPENING_QUOTES = frozenset("«„“\"")


def _unpaired_quotes(text: str, start: int, end: int) -> tuple[int, int]:
    """A model span without the quotation mark it ran on into or began with when the span
    does not hold its pair ("Вашингтон“" -> "Вашингтон", "«Культура" -> "Культура");
    a quoted name keeps both marks ("«Газпром»")."""
    if end - start > 1 and text[end - 1] in _QUOTE_PAIRS:
        opening = _QUOTE_PAIRS[text[end - 1]]
        inner = text[start:end - 1]
        if not any(ch in opening for ch in inner):
            end -= 1
    if end - start > 1 and text[start] in _OPENING_QUOTES:
        inner = text[start + 1:end]
        closing = [c for c, opens in _QUOTE_PAIRS.items() if text[start] in opens]
        if not any(ch in inner for ch in closing):
            start += 1
    while end > start + 1 and text[end - 1].isspace():
        end -= 1
    while start < end - 1 and text[start].isspace():
        start += 1
    return start, end


def _bracket_pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A model span that holds a bracket, as names: the name before it and the
    abbreviation in it are two ("Вооруженных сил Украины (ВСУ)", "Organização do Tratado
    do Atlântico Norte (NATO"), and a piece after a bracket that begins in lower case
    names nothing ("Йенс Столтенберг (фото)", "(СМО) твърди"); the first piece is left to
    the rules that follow ("da Organização do Tratado ...")."""
    if not any(ch in "()" for ch in text[start:end]):
        return [(start, end)]
    out = []
    for m in _BRACKET_PIECE.finditer(text, start, end):
        word = m.group()
        if any(ch.isalpha() for ch in word) and (
                m.start() == start or not word[0].islower()):
            out.append(m.span())
    return out


def _windows(text: str, start: int, end: int, size: int = 20000) -> list[tuple[int, int]]:
    """``[start, end)`` cut at whitespace into pieces of at most about ``size`` characters,
    so one endless paragraph neither exceeds spaCy's length limit nor its memory."""
    out = []
    while end - start > size:
        cut = text.rfind(" ", start + size // 2, start + size)
        cut = cut if cut > start else start + size
        out.append((start, cut))
        start = cut
    out.append((start, end))
    return out


def _trim_title(text: str, c: Candidate, rules: LanguageRules) -> Candidate | None:
    """Drop a leading article, and a title the model took into a person's name; a span
    that is a title and a name whatever type the model gave it ("Президент России Владимир
    Путин" tagged as an organisation), or a title, a name and lower-case words the model
    ran on into ("Народная артистка РФ Раиса Рязанова рассказала"), is the person; so is
    a title alone, with its genitive ("Президент Сербии" tagged as a place)."""
    s = text[c.start:c.end]
    m = _LEADING.match(s)
    start, end = c.start + (m.end() if m else 0), c.end
    kind = c.type
    if rules.titles is not None:
        tm = rules.titles.match(text, start)
        if tm and (c.type == "PER" and tm.start("name") < c.end or tm.end("name") == c.end):
            start, kind = max(start, tm.start("name")), "PER"
        elif tm and tm.end("name") < c.end and _all_lower(text[tm.end("name"):c.end]):
            start, end, kind = max(start, tm.start("name")), tm.end("name"), "PER"
        elif rules.bare_titles is not None and rules.bare_titles.fullmatch(text, start, end):
            kind = "PER"  # a title with no name stands for its holder ("Президент Сербии")
    word = text[start:end]
    if start >= end or word in _NOT_NAMES or word in _NOT_NAMES_IN.get(rules.language, ()) \
            or word in _OPENERS.get(rules.language, ()):
        return None
    return Candidate(start, end, kind, c.source, c.canonical, c.role, c.qualifier)


def _all_lower(tail: str) -> bool:
    """True when ``tail`` has words and every one of them starts in lower case."""
    words = re.findall(r"\w+", tail)
    return bool(words) and all(w[0].islower() for w in words)


def _surnames(text: str, titles: list[Candidate]) -> set[str]:
    """The last words of the names the title rules found ("Mr. Antonov", "Ambassador
    Anatoly Antonov"): those are people whatever the model thinks elsewhere."""
    return {text[t.start:t.end].split()[-1] for t in titles
            if t.type == "PER" and t.end > t.start}


def _as_person(text: str, c: Candidate, surnames: set[str]) -> Candidate:
    """A model span of several words that ends in a titled person's surname is that
    person, whatever type the model gave it ("Anatoly Antonov" tagged as a place when
    "Mr. Antonov" follows), so it is grouped with the person's other mentions."""
    words = text[c.start:c.end].split()
    if c.type == "PER" or len(words) < 2 or words[-1] not in surnames:
        return c
    return Candidate(c.start, c.end, "PER", c.source, c.canonical, c.role, c.qualifier,
                     c.head_start)


def resolve_overlaps(cands: list[Candidate]) -> list[Candidate]:
    """Non-overlapping candidates: longest first, then rules before the model; in text order."""
    ranked = sorted(cands, key=lambda c: (-(c.end - c.start), _PRIORITY[c.source], c.start))
    starts: list[int] = []  # taken spans, sorted by start (they never overlap each other)
    ends: list[int] = []
    chosen: list[Candidate] = []
    for c in ranked:
        i = bisect.bisect_right(starts, c.start)
        if (i > 0 and ends[i - 1] > c.start) or (i < len(starts) and starts[i] < c.end):
            continue
        starts.insert(i, c.start)
        ends.insert(i, c.end)
        chosen.append(c)
    return sorted(chosen, key=lambda c: c.start)


def repeat_names(text: str, chosen: list[Candidate], lang: str = "en",
                 capitalised: bool = True) -> list[Candidate]:
    """Other occurrences of the names already found, and of people's last names.

    A statistical tagger misses some repetitions of a name it found elsewhere in the same
    article; one sense per name and article is a safe assumption in news. In a script
    without capitals (``capitalised=False``: Devanagari) a name cannot be told by its
    first letter, so every name the model found is repeated.
    """
    forms: dict[str, Candidate] = {}
    inflected = lang in INFLECTED

    not_names = _NOT_NAMES_IN.get(lang, frozenset())

    def name_like(word: str) -> bool:
        return len(word) >= 3 and (word[:1].isupper() or not capitalised) \
            and word not in not_names

    for c in chosen:
        surface = text[c.start:c.end]
        if c.source == "model" and name_like(surface):
            forms.setdefault(surface, c)
        if c.type == "PER" and " " in surface:
            last = surface.split()[-1]
            if name_like(last):
                forms.setdefault(last, c)
    if not forms:
        return []
    # In Russian and Bulgarian a name also occurs with a case ending ("Лаврова").
    stems = {(_stem(f) if inflected else f): c for f, c in forms.items()}
    ending = 3 if inflected else 0
    # Stems by their first three characters, longest first: each word start is looked up
    # once instead of compiling an alternation of this article's names.
    by_prefix: dict[str, list[str]] = {}
    for stem in sorted(stems, key=len, reverse=True):
        by_prefix.setdefault(stem[:3], []).append(stem)
    out, pos = [], 0
    # only the words that begin as one of the names does (a small class, often cached)
    firsts = "".join(sorted({re.escape(stem[0]) for stem in stems}))
    for w in re.finditer(rf"(?<![\w\-])[{firsts}]", text):
        start = w.start()
        if start < pos:
            continue
        for stem in by_prefix.get(text[start:start + 3], ()):
            end = _name_end(text, start, stem, ending)
            if end:
                out.append(Candidate(start, end, stems[stem].type, "model"))
                pos = end
                break
    return out


def _name_end(text: str, start: int, stem: str, ending: int) -> int:
    """Where ``stem`` plus at most ``ending`` word characters ends as a whole word at
    ``start``, or 0 when it does not occur there."""
    if not text.startswith(stem, start):
        return 0
    end = start + len(stem)
    m = _ENDING_AT.match(text, end, min(end + ending, len(text))) if ending else None
    if m:
        end = m.end()
    return 0 if _WORD_AFTER.match(text, end) else end


def _stem(word: str) -> str:
    key = word_key(word, "ru")
    return word[:len(key)] if len(key) < len(word) else word


_DEFAULT: Recogniser | None = None


def recognise(text: str, language: str | None = "en") -> list[Span]:
    """Entity mentions of ``text`` (offsets into it), grouped into entities.

    Usable without the pipeline: each span is ``Span(start, end, TYPE, score,
    {"entity": canonical name, "entity_id": int, "text": mention text})``.
    """
    global _DEFAULT
    if _DEFAULT is None:  # lazy: the models load on first use only
        _DEFAULT = Recogniser()
    return _DEFAULT.recognise(text, language)
