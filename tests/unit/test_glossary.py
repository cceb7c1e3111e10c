"""The Chinese an operator reads: the glossary's terms, full-width punctuation, no stray English.

resources/i18n/glossary.yaml says which word means what; these tests hold the translation
(citywall_zh_CN.ts) and the Chinese written in the code to it.
"""

from __future__ import annotations

import ast
import functools
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
TS_FILE = ROOT / "resources" / "i18n" / "citywall_zh_CN.ts"
GLOSSARY = ROOT / "resources" / "i18n" / "glossary.yaml"
CJK = r"[\u3400-\u9fff]"
# an ASCII , ; : ? ! ( ) next to a Chinese character (a space between them included)
ASCII_PUNCT = re.compile(rf"{CJK}\s*[,;:?!()]|[,;:?!()]\s*{CJK}")
# Qt file-dialog filters need ASCII brackets, and so do mnemonics: 保存(&S)
FILE_FILTER = re.compile(r"\((\*\.\w+\s*|\{\d\}\s*)+\)|\(\*\)|\(&\w\)|;;")
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\w+|<[^>]+>|&\w+;|&(?=\S)")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z_]+(?:-[A-Za-z]+)*")  # (single letters are keys: A, Ctrl+S)


@functools.cache
def glossary() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(GLOSSARY.read_text(encoding="utf-8"))
    return data


@functools.cache
def translations() -> tuple[tuple[str, str, str], ...]:
    return tuple(_translations())


def _translations() -> Iterator[tuple[str, str, str]]:
    for context in ET.parse(TS_FILE).getroot().iter("context"):
        for message in context.iter("message"):
            yield (
                context.findtext("name") or "",
                message.findtext("source") or "",
                message.findtext("translation") or "",
            )


@functools.cache
def code_chinese() -> tuple[tuple[str, str], ...]:
    """Chinese string literals in the application's code (words built outside the .ts)."""
    return tuple(_code_chinese())


def _code_chinese() -> Iterator[tuple[str, str]]:
    for path in sorted((ROOT / "app").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if id(node) in docstrings:
                continue
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and re.search(CJK, node.value):
                yield f"{path.relative_to(ROOT)}:{node.lineno}", node.value


def avoided_words(text: str) -> list[str]:
    found = []
    for term in glossary()["terms"]:
        for word in term.get("avoid", ()):
            if word in text.replace(term["zh"], "\0"):
                found.append(f"{word} (say {term['zh']})")
    return found


def test_the_glossary_is_complete_and_has_no_term_twice() -> None:
    terms = glossary()["terms"]
    for term in terms:
        assert {"zh", "en", "meaning", "where"} <= term.keys(), term
    zh = [t["zh"] for t in terms]
    assert len(zh) == len(set(zh))
    avoided = {w for t in terms for w in t.get("avoid", ())}
    assert not avoided & set(zh), "a term is also a word to avoid"


def test_no_translation_uses_a_word_the_glossary_replaces() -> None:
    wrong = [
        f"{ctx}: {tr!r}: {', '.join(avoided_words(tr))}" for ctx, _, tr in translations() if avoided_words(tr)
    ]
    assert not wrong, "\n".join(wrong)


def test_no_chinese_in_the_code_uses_a_word_the_glossary_replaces() -> None:
    wrong = [
        f"{where}: {text!r}: {', '.join(avoided_words(text))}"
        for where, text in code_chinese()
        if avoided_words(text)
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("term", [t for t in glossary()["terms"] if "en_match" in t], ids=lambda t: t["en"])
def test_the_term_is_used_wherever_the_english_says_it(term: dict[str, Any]) -> None:
    pattern = re.compile(term["en_match"], re.IGNORECASE)
    wrong = [
        f"{ctx}: {src!r} → {tr!r}"
        for ctx, src, tr in translations()
        if pattern.search(src)
        and tr
        and term["zh"] not in tr
        and not re.search(term.get("en_except", "(?!)"), src, re.IGNORECASE)
    ]
    assert not wrong, f"{term['en']} is {term['zh']}:\n" + "\n".join(wrong)


def _ascii_punctuation(text: str) -> list[str]:
    text = PLACEHOLDER.sub("", FILE_FILTER.sub("", text))
    return ASCII_PUNCT.findall(text)


def chinese_sentence(text: str) -> bool:
    """More Chinese than Latin letters: a sentence in Chinese (not English help with a Chinese gloss)."""
    return len(re.findall(CJK, text)) >= len(re.findall(r"[A-Za-z]", text))


def test_chinese_sentences_use_full_width_punctuation() -> None:
    wrong = [f"{ctx}: {tr!r}" for ctx, _, tr in translations() if _ascii_punctuation(tr)]
    wrong += [
        f"{where}: {text!r}"
        for where, text in code_chinese()
        if chinese_sentence(text) and _ascii_punctuation(text)
    ]
    assert not wrong, "ASCII punctuation in Chinese text:\n" + "\n".join(wrong)


def test_no_english_word_an_operator_would_have_to_decode() -> None:
    allowed = {w for group in glossary()["latin_allowed"] for w in group}
    wrong = []
    for ctx, _, tr in translations():
        stripped = PLACEHOLDER.sub("", FILE_FILTER.sub("", tr))
        words = [w for w in LATIN_WORD.findall(stripped) if w not in allowed and not re.fullmatch(r"F\d+", w)]
        if words:
            wrong.append(f"{ctx}: {words} in {tr!r}")
    assert not wrong, "\n".join(wrong)
