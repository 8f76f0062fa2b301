"""The built-in FAQ engine: finds the entries that answer a question, in the question's language, and answers with
them, or says plainly that the FAQ does not cover it.

Words are compared as the assistant compares them (``x8.conversations.assistant.words``: folded and stemmed for
English and Russian), a misspelt word is matched to the FAQ's closest word by trigrams, and each matched word
weighs by its rarity across the entries (IDF), more in a title or the keywords than in the answer. An entry is
used only when the question's informative words mostly land in it, so a question about something else gets the
honest answer instead of the nearest entry.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from x8.conversations.assistant import language as languages
from x8.conversations.assistant.words import stem, tokens
from x8.kb_engine.trigrams import similarity
from x8.platform.support.faq.entries import Entry

TITLE_WEIGHT = 3.0
KEYWORD_WEIGHT = 3.0
BODY_WEIGHT = 1.0
# At least this share of the question's informative weight must land in an entry for it to answer.
MIN_COVERAGE = 0.6
# A second entry is cited too when it scores at least this share of the best one.
SECOND_SHARE = 0.8
TYPO_SIMILARITY = 0.4


def _words(*lines: str) -> frozenset[str]:
    return frozenset(" ".join(lines).split())


_STOP = {
    "en": _words(
        "a an the and or but if of to in on at by for with from about into is are was were be been being do does "
        "did done have has had i me my we our you your it its this that these those there here what which who whom "
        "how when where why can could should would will shall may might must not no yes please tell know want need "
        "get make use using set up out so than then too very just also any some all more most other such only own "
        "same as x8 network platform thanks thank hello hi work works working happen happens way question help"
    ),
    "ru": _words(
        "а и или но если то в во на с со к ко по о об от до из за для при про у же ли бы не ни да нет я мы вы ты он "
        "она оно они мой моя мое мои наш наша наше наши ваш ваша ваше ваши как какой какая какое какие где когда "
        "почему зачем что чтобы кто можно нужно надо хочу хотим могу можем есть это этот эта эти тот та те так "
        "там тут здесь еще уже очень только все всё весь мне меня нам нас вам вас его ее её их свой свою свои "
        "пожалуйста скажите подскажите расскажите спасибо здравствуйте привет платформа платформе платформы x8 "
        "работает работать происходит будет вопрос помогите"
    ),
}


def _stems(text: str, language: str) -> list[str]:
    stop = _STOP[language]
    return [stem(t.joined) for t in tokens(text) if t.folded not in stop and len(t.joined) > 1]


@dataclass(frozen=True)
class Match:
    entry: Entry
    score: float


@dataclass
class _Indexed:
    entry: Entry
    weights: dict[str, float] = field(default_factory=dict)


class FaqIndex:
    """The entries of one language, indexed by stem."""

    def __init__(self, entries: Iterable[Entry], language: str) -> None:
        self.language = language
        self._docs: list[_Indexed] = []
        for entry in entries:
            indexed = _Indexed(entry)
            for text, weight in (
                (entry.title, TITLE_WEIGHT),
                (" ".join(entry.keywords), KEYWORD_WEIGHT),
                (entry.body, BODY_WEIGHT),
            ):
                for word in _stems(text, language):
                    indexed.weights[word] = max(indexed.weights.get(word, 0.0), weight)
            self._docs.append(indexed)

    @cached_property
    def _idf(self) -> dict[str, float]:
        counts: dict[str, int] = {}
        for doc in self._docs:
            for word in doc.weights:
                counts[word] = counts.get(word, 0) + 1
        total = len(self._docs)
        return {word: math.log(1 + total / n) for word, n in counts.items()}

    def _known(self, word: str) -> str | None:
        """The FAQ's word for a question's word: itself, else the most similar one (a typo), else none."""
        if word in self._idf:
            return word
        best = max(self._idf, key=lambda known: similarity(word, known), default=None)
        if best is not None and similarity(word, best) >= TYPO_SIMILARITY:
            return best
        return None

    def search(self, question: str) -> list[Match]:
        """Entries that cover the question, best first (empty when none does)."""
        words = list(dict.fromkeys(_stems(question, self.language)))
        if not words or not self._docs:
            return []
        known = [self._known(w) for w in words]
        # A word the FAQ never uses weighs like the rarest word: it is likely what the question is about, and no
        # entry speaks of it ("connect Spotify" is not answered by the entries about connecting).
        rarest = math.log(1 + len(self._docs))
        possible = sum(self._idf[k] if k else rarest for k in known)
        matches = []
        for doc in self._docs:
            found = [k for k in known if k and k in doc.weights]
            if found and sum(self._idf[k] for k in found) / possible >= MIN_COVERAGE:
                matches.append(Match(doc.entry, sum(self._idf[k] * doc.weights[k] for k in found)))
        matches.sort(key=lambda m: m.score, reverse=True)
        return matches


@dataclass(frozen=True)
class Answer:
    text: str
    sources: Sequence[Entry]


NOT_COVERED = {
    "en": (
        "I could not find this in the FAQ, and I would rather not guess. Please ask your manager in the support "
        "chat on this page: a person will answer."
    ),
    "ru": (
        "В FAQ ответа на этот вопрос нет, а гадать я не буду. Напишите, пожалуйста, вашему менеджеру в чат "
        "поддержки на этой странице: вам ответит человек."
    ),
}
SEE_ALSO = {"en": "See also: {title}.", "ru": "См. также: {title}."}


class BuiltinEngine:
    def __init__(self, entries: Sequence[Entry]) -> None:
        self._indexes = {lang: FaqIndex([e for e in entries if e.language == lang], lang) for lang in ("en", "ru")}

    def answer(self, question: str) -> Answer:
        language = languages.detect(question, fallback="en")
        matches = self._indexes[language].search(question)
        if not matches:
            return Answer(NOT_COVERED[language], [])
        best = matches[0]
        used = [best.entry]
        text = best.entry.body
        if len(matches) > 1 and matches[1].score >= SECOND_SHARE * best.score:
            used.append(matches[1].entry)
            text += "\n\n" + SEE_ALSO[language].format(title=matches[1].entry.title)
        return Answer(text, used)
