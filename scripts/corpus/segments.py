"""Cleaning, splitting and checking of French–English segment pairs, shared by the corpus extractors.

A pair is (english, french). Everything here is a pure function of its arguments, so the extractors and the
assembly step apply exactly the same rules.
"""
import html
import re
import unicodedata

import lxml.html

# Private-use characters are the translator's placeholders for protected spans (src/text/protected_spans.h):
# a segment that already holds one would collide with them.
PRIVATE_USE = re.compile('[\ue000-\uf8ff]')
MARKUP = re.compile(r'<[A-Za-z/!]')
SPACES = re.compile(r'\s+')

# Function words that tell the two languages apart in an untranslated (English) French side.
ENGLISH_WORDS = frozenset(
    'the of and to is are be this that with for from you your it not can will by an was were have has which when '
    'if or on at should must been these those there their then than'.split())
FRENCH_WORDS = frozenset(
    'le la les des du de un une et est sont ce cette ces pour avec dans sur vous votre vos il elle ne pas qui que '
    'par au aux se sa son ses leur ou être été peut doit'.split())

# Abbreviations after which a full stop does not end a sentence.
ABBREVIATIONS = frozenset(
    'e.g i.e etc cf vs fig no nr mr mrs ms dr st p ex m mme mlle ch chap éd ed vol resp env approx'.split())
SENTENCE_END = re.compile(r'([.!?…]+["»”)\]]*)\s+(?=["«“(\[]?[A-ZÀ-ÖØ-Þ0-9])')

TRANSLATOR_CREDITS = frozenset(
    ['translator-credits', 'your names', 'your emails', 'name of translators', 'email of translators',
     'translator_credits', 'translated by'])


def collapse_spaces(text):
    return SPACES.sub(' ', text).strip()


def strip_markup(text):
    """Text content of a message holding HTML-like markup (<b>, <a href>, KDE's <filename>), entities decoded."""
    if not MARKUP.search(text):
        return text
    try:
        fragment = lxml.html.fragment_fromstring(text, create_parent='div')
    except Exception:  # lxml rejects some fragments outright (e.g. only a comment): keep none of them
        return ''
    return html.unescape(fragment.text_content())


def strip_mnemonics(english, french, marker):
    """Removes keyboard-accelerator markers ('_' in GTK, '&' in Qt/KDE, '~' in LibreOffice).

    A marker stays when the whitespace-delimited word holding it occurs verbatim on the other side: then it is part
    of an identifier, path or command ("file_name", "~/.config", "a && b") that both sides share."""
    def clean(text, other):
        other_words = set(other.split())
        words = []
        for word in text.split(' '):
            if marker in word and word not in other_words:
                doubled = marker * 2
                word = re.sub(re.escape(marker) + r'(?=\w)', '', word.replace(doubled, '\0')).replace('\0', marker)
            words.append(word)
        return ' '.join(words)
    return clean(english, french), clean(french, english)


def split_sentences(text):
    """Splits after . ! ? … followed by a space and a capital or digit, except after known abbreviations."""
    sentences, start = [], 0
    for match in SENTENCE_END.finditer(text):
        before = text[start:match.start()].rsplit(' ', 1)[-1].lower().rstrip('.')
        if match.group(1) == '.' and (before in ABBREVIATIONS or len(before) == 1):
            continue
        sentences.append(text[start:match.end(1)].strip())
        start = match.end()
    sentences.append(text[start:].strip())
    return [s for s in sentences if s]


def words(text):
    return re.findall(r"[^\W\d_]+", text.lower())


def looks_english(french_side):
    """True when the 'French' side reads as English: more English than French function words, at least two."""
    tokens = words(french_side)
    english = sum(t in ENGLISH_WORDS for t in tokens)
    french = sum(t in FRENCH_WORDS for t in tokens)
    return english >= 2 and english > french


def match_key(text):
    """The form in which segments are compared for reserved-overlap removal and deduplication."""
    text = unicodedata.normalize('NFC', text).casefold()
    text = re.sub(r'[_&~]', '', text)
    return collapse_spaces(text).rstrip(' .:…!?')


def rejection(english, french, max_words):
    """Why the pair is not kept, or None when it is."""
    if not english or not french:
        return 'empty'
    if PRIVATE_USE.search(english) or PRIVATE_USE.search(french):
        return 'private-use character'
    if len(words(english)) == 0 or len(words(french)) == 0 or max(map(len, words(english) + [''])) < 2:
        return 'no words'
    if match_key(english) == match_key(french):
        return 'untranslated'
    if looks_english(french):
        return 'english on the french side'
    if match_key(english) in TRANSLATOR_CREDITS:
        return 'translator credits'
    if len(english.split()) > max_words or len(french.split()) > max_words:
        return 'too long'
    shorter, longer = sorted([len(english), len(french)])
    limit = 2.5 if shorter >= 20 else 4.0
    if longer > limit * max(shorter, 1):
        return 'length ratio'
    return None
