"""The synthetic catalogue vocabulary the KB benchmarks share: food words first, then made-up words, drawn by a
Zipf law, and customer-like questions drawn the same way."""

from __future__ import annotations

import random

WORDS = [
    "apple",
    "banana",
    "cherry",
    "mango",
    "lemon",
    "orange",
    "grape",
    "melon",
    "peach",
    "plum",
    "berry",
    "honey",
    "bread",
    "cheese",
    "milk",
    "coffee",
    "tea",
    "pasta",
    "rice",
    "flour",
    "sugar",
    "salt",
    "pepper",
    "olive",
    "butter",
    "cream",
    "yogurt",
    "juice",
    "water",
    "soda",
    "chocolate",
    "cookie",
    "cake",
]
_SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "be", "da", "fu", "go"]
_SYLLABLES += ["ha", "je", "po", "ri", "ze", "mo", "ta", "li", "an", "er", "on", "us"]
CATALOGUE_SEED = 8808


def vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    """The food words first, then made-up words: a catalogue's vocabulary is large and Zipf-distributed, so a
    query term matches a few hundred rows, not half the table (which a 34-word vocabulary would make it)."""
    made_up = {"".join(rng.choices(_SYLLABLES, k=rng.randint(2, 4))) for _ in range(size * 2)}
    return WORDS + sorted(made_up)[: size - len(WORDS)]


def zipf_weights(size: int) -> list[float]:
    return [1 / (rank + 1) ** 1.05 for rank in range(size)]


def distinct_queries(count: int, seed: int = 1616) -> list[str]:
    """Questions a customer might type, none twice: one to three catalogue words drawn as the catalogue's own
    (Zipf) frequencies draw them, one in five with a letter missing. Another ``seed``, other questions."""
    rng = random.Random(seed)
    words = vocabulary(random.Random(CATALOGUE_SEED))
    weights = zipf_weights(len(words))
    queries: set[str] = set()
    while len(queries) < count:
        picked = rng.choices(words, weights, k=rng.randint(1, 3))
        if rng.random() < 0.2:
            word = picked[0]
            cut = rng.randrange(len(word))
            picked[0] = word[:cut] + word[cut + 1 :]
        queries.add(" ".join(picked))
    return sorted(queries, key=lambda _: rng.random())
