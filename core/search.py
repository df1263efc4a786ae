"""Chinese search: jieba segments text into words so that two-character words match.

The segmented text is stored in ``Suggestion.search_text``. On PostgreSQL its vector
``to_tsvector('simple', search_text)`` is a stored generated column with a GIN index, queried
with the same segmentation; on SQLite each query word must occur in the text.
"""

import logging

import jieba

jieba.setLogLevel(logging.WARNING)


def segment_for_index(text: str) -> str:
    """Words of the text for the index: the search-engine mode also emits the shorter words
    inside long ones (e.g. 停车 and 停车位 from 停车位)."""
    words = {w.strip().lower() for w in jieba.cut_for_search(text or "") if w.strip() and not _is_punct(w)}
    return " ".join(sorted(words))


def segment_query(query: str) -> list[str]:
    return [w.strip().lower() for w in jieba.cut(query or "") if w.strip() and not _is_punct(w)][:10]


def _is_punct(word: str) -> bool:
    return all(not ch.isalnum() for ch in word)
