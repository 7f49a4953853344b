"""The ``fazhi_ie`` spaCy component: count facts as entities and as ``doc._.facts``.

    import spacy
    nlp = spacy.blank("zh")                 # or fazhi_ie.segmenter.blank_zh() for word tokens
    nlp.add_pipe("fazhi_ie")                # config: backend, model_dir, report_year, spans_key
    doc = nlp(text)
    doc.ents                                # one entity per number that carries a fact
    doc._.facts                             # list[fazhi_ie.Fact], in text order
    doc.spans["fazhi_facts"]                # one span per fact (overlaps allowed)

What it sets:

* ``doc.ents``: one entity per number mention that carries at least one fact, labelled
  with the indicator ``subject.action`` of its first fact (``admin_reconsideration.received``,
  the same names as :func:`fazhi_ie.panel` columns), so displaCy shows what each number
  was read as; :func:`displacy_colors` colours every label of a subject alike. A number
  read as two facts (共审查通过5份…均完成备案: ``reviewed`` and ``filed``) is one entity;
  ``ent._.facts`` gives all facts of an entity, and the span group holds one span per
  fact (render it with ``displacy.render(doc, style="span", options={"spans_key":
  "fazhi_facts"})``). Existing entities are replaced.
* Token alignment: a fact's span is character offsets into ``doc.text``; it becomes
  the smallest run of tokens that covers it (``doc.char_span(..., alignment_mode=
  "expand")``). With character tokens that is exact; with pkuseg words an entity can
  take in a neighbouring character that the segmenter glued to the number (共17件).
  When two numbers expand into overlapping tokens, the first keeps the entity; no fact
  is lost from ``doc._.facts`` or the span group.
* ``doc._.facts``: the :class:`~fazhi_ie.Fact` objects; ``doc._.fazhi_document`` the whole
  :class:`~fazhi_ie.Document` (issuer, report year, facts). Both are read from
  ``doc._.fazhi_record``, the plain ``Document.to_dict()`` record, so they survive
  ``Doc.to_bytes`` / ``DocBin`` and ``nlp.pipe(..., n_process=2)``.

The factory is registered with ``@Language.factory`` here and through the
``spacy_factories`` entry point, so ``add_pipe("fazhi_ie")`` works without importing
this module first.
"""
from __future__ import annotations

import colorsys
from typing import Any, Iterable, Iterator, Sequence

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import minibatch

from . import lexicon
from .pipeline import BACKENDS, Extractor
from .schema import Document, Fact, action_codes

FACTORY = "fazhi_ie"
DEFAULT_SPANS_KEY = "fazhi_facts"


def indicator(fact: Fact) -> str:
    """The entity label and panel column of a fact: ``subject.action``."""
    return f"{fact.subject}.{fact.action}"


def _register_extensions() -> None:
    if not Doc.has_extension("fazhi_record"):
        Doc.set_extension("fazhi_record", default=None)
    if not Doc.has_extension("facts"):
        Doc.set_extension("facts", getter=_doc_facts)
    if not Doc.has_extension("fazhi_document"):
        Doc.set_extension("fazhi_document", getter=_doc_document)
    if not Span.has_extension("facts"):
        Span.set_extension("facts", getter=_span_facts)


def _doc_document(doc: Doc) -> Document | None:
    record = doc._.fazhi_record
    return None if record is None else Document.from_dict(record)


def _doc_facts(doc: Doc) -> list[Fact]:
    record = doc._.fazhi_record
    return [] if record is None else [Fact.from_dict(f) for f in record["facts"]]


def _span_facts(span: Span) -> list[Fact]:
    return [f for f in span.doc._.facts
            if span.start_char <= f.span[0] and f.span[1] <= span.end_char]


class FactsComponent:
    """Runs the fazhi_ie extractor on ``doc.text`` and writes its facts onto the Doc.

    ``predict`` (texts → Documents) is kept apart from ``set_annotations`` (Documents →
    entities, span group, extension); ``__call__`` is a batch of one.
    """

    def __init__(self, nlp: Language, name: str = FACTORY, *, backend: str = "auto",
                 model_dir: str | None = None, report_year: int | None = None,
                 spans_key: str = DEFAULT_SPANS_KEY) -> None:
        if not isinstance(nlp, Language):
            raise TypeError(f"the {FACTORY} component needs a spaCy Language, got {type(nlp).__name__}")
        if nlp.lang != "zh":
            raise ValueError(f"the {FACTORY} component reads Chinese reports: use spacy.blank('zh') "
                             f"(or fazhi_ie.segmenter.blank_zh()), not a {nlp.lang!r} pipeline")
        if backend not in BACKENDS:
            raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
        if report_year is not None and not isinstance(report_year, int):
            raise TypeError(f"report_year must be an int or None, got {type(report_year).__name__}")
        _register_extensions()
        self.name, self.backend, self.model_dir = name, backend, model_dir
        self.report_year, self.spans_key = report_year, spans_key
        self.extractor = Extractor(backend=backend, model_dir=model_dir)

    def __call__(self, doc: Doc) -> Doc:
        _check_doc(doc)
        self.set_annotations([doc], self.predict([doc]))
        return doc

    def pipe(self, docs: Iterable[Doc], *, batch_size: int = 64) -> Iterator[Doc]:
        for batch in minibatch(docs, size=batch_size):
            for doc in batch:
                _check_doc(doc)
            self.set_annotations(batch, self.predict(batch))
            yield from batch

    def predict(self, docs: Sequence[Doc]) -> list[Document]:
        return [self.extractor(doc.text, report_year=self.report_year) for doc in docs]

    def set_annotations(self, docs: Sequence[Doc], documents: Sequence[Document]) -> None:
        for doc, document in zip(docs, documents):
            doc._.fazhi_record = document.to_dict()
            spans = [_token_span(doc, fact) for fact in document.facts]
            doc.spans[self.spans_key] = spans
            doc.ents = _entities(spans)

    def __reduce__(self):   # rebuilt from its settings in a spawned worker
        return (_rebuild, (self.name, self.backend, self.model_dir, self.report_year, self.spans_key))


def _rebuild(name, backend, model_dir, report_year, spans_key) -> FactsComponent:
    import spacy

    return FactsComponent(spacy.blank("zh"), name, backend=backend, model_dir=model_dir,
                          report_year=report_year, spans_key=spans_key)


def _check_doc(doc: Any) -> None:
    if not isinstance(doc, Doc):
        raise TypeError(f"the {FACTORY} component takes a spaCy Doc, got {type(doc).__name__}; "
                        "call nlp(text) with the text as str")


def _token_span(doc: Doc, fact: Fact) -> Span:
    span = doc.char_span(fact.span[0], fact.span[1], label=indicator(fact), alignment_mode="expand")
    if span is None:       # offsets outside doc.text: the text was changed after extraction
        raise ValueError(f"fact span {fact.span} does not fall inside the Doc's text")
    return span


def _entities(spans: list[Span]) -> list[Span]:
    """Non-overlapping entities in text order: one per token range, the first fact's;
    a range overlapping an earlier one is left out."""
    out: list[Span] = []
    for span in sorted(spans, key=lambda s: s.start):      # stable: text order of facts kept
        if not out or span.start >= out[-1].end:
            out.append(span)
    return out


@Language.factory(
    FACTORY,
    assigns=["doc.ents", "doc.spans", "doc._.fazhi_record", "doc._.facts"],
    default_config={"backend": "auto", "model_dir": None, "report_year": None,
                    "spans_key": DEFAULT_SPANS_KEY},
)
def make_fazhi_ie(nlp: Language, name: str, backend: str, model_dir: str | None,
                  report_year: int | None, spans_key: str) -> FactsComponent:
    """spaCy factory for :class:`FactsComponent` (``nlp.add_pipe("fazhi_ie", config={...})``)."""
    return FactsComponent(nlp, name, backend=backend, model_dir=model_dir,
                          report_year=report_year, spans_key=spans_key)


def displacy_colors() -> dict[str, str]:
    """displaCy ``colors`` for every ``subject.action`` label: one hue per subject,
    saturated for core subjects, pale for extended ones."""
    subjects = lexicon.subjects()
    core = lexicon.core_subjects()
    colors = {}
    for i, subject in enumerate(subjects):
        r, g, b = colorsys.hls_to_rgb(i / len(subjects), 0.72 if subject in core else 0.86, 0.75)
        hex_color = f"#{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}"
        colors.update((f"{subject}.{action}", hex_color) for action in action_codes())
    return colors


def displacy_options(spans_key: str | None = None) -> dict[str, Any]:
    """Options for ``displacy.render``: the colours, and ``spans_key`` for style="span"."""
    options: dict[str, Any] = {"colors": displacy_colors()}
    if spans_key is not None:
        options["spans_key"] = spans_key
    return options
