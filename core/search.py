"""Chinese search: jieba segments text into words, and every pair of neighbouring Chinese
characters is indexed beside them, so that each two-character word of a text is found even where
jieba cuts across it (东侧道路旁 is cut 东侧/道/路旁: the pair 道路 is still in the index).

The indexed text is stored in ``Suggestion.search_text``. On PostgreSQL its vector
``to_tsvector('simple', search_text)`` is a stored generated column with a GIN index, queried
with the same segmentation; on SQLite each query word must occur in the text. Ranking stays by
the query's words (how many of them the title holds), never by the pairs.
"""

import logging
import re

import jieba

jieba.setLogLevel(logging.WARNING)

# Runs of CJK unified ideographs (the basic block and extension A): the text the pairs come from.
# Pairs never cross punctuation, a space or a Latin word.
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]{2,}")
_HAN_ONLY = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")


def han_bigrams(text: str) -> set[str]:
    """Every two-character sequence inside a run of Chinese characters."""
    pairs: set[str] = set()
    for run in _HAN_RUN.findall(text or ""):
        pairs.update(run[i : i + 2] for i in range(len(run) - 1))
    return pairs


def segment_for_index(text: str) -> str:
    """Words of the text for the index: the search-engine mode also emits the shorter words
    inside long ones (e.g. 停车 and 停车位 from 停车位), and every pair of neighbouring Chinese
    characters is added (recall of two-character words jieba cut apart)."""
    words = {w.strip().lower() for w in jieba.cut_for_search(text or "") if w.strip() and not _is_punct(w)}
    words |= han_bigrams(text)
    return " ".join(sorted(words))


def segment_query(query: str) -> list[str]:
    """The query's words as jieba cuts them. Where jieba leaves neighbouring Chinese characters as
    single-character words (行道 is cut 行/道), their pairs are the words instead: every pair of
    the text is indexed, while a single character is only where jieba cut the text the same way."""
    words: list[str] = []
    singles: list[str] = []

    def flush():
        if len(singles) > 1:
            words.extend(singles[i] + singles[i + 1] for i in range(len(singles) - 1))
        else:
            words.extend(singles)
        singles.clear()

    previous_end = None
    for word, start, end in jieba.tokenize(query or ""):
        word = word.strip().lower()
        if len(word) == 1 and _HAN_ONLY.fullmatch(word):
            if singles and start != previous_end:
                flush()
            singles.append(word)
            previous_end = end
            continue
        flush()
        if word and not _is_punct(word):
            words.append(word)
    flush()
    return words[:10]


def word_pairs(word: str) -> list[str]:
    """For a query word of three or more Chinese characters, its pairs in order: the word is also
    found where the text holds all of them (jieba may have cut the text's copy differently).
    Empty for shorter or mixed words, which must match as they are."""
    if len(word) < 3 or not _HAN_ONLY.fullmatch(word):
        return []
    return [word[i : i + 2] for i in range(len(word) - 1)]


def _is_punct(word: str) -> bool:
    return all(not ch.isalnum() for ch in word)
