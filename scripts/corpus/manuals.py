"""Documentation paragraphs: French–English pairs from manuals that Debian ships as HTML in both languages.

usage: manuals.py ROOT OUT_DIR
ROOT holds one folder per unpacked package (scripts/corpus/fetch.sh). For each manual of MANUALS, the files with
the same relative path in its English and French folders are parsed with lxml; their leaf text blocks (paragraphs,
list items, headings, table cells, ...) are listed in document order and aligned by structure (the sequence of
block tags and classes, matched with difflib), so a paragraph missing on one side shifts nothing. Inline code
(<code>, <tt>, <kbd>, <samp>) is written between backticks, the form the translator protects verbatim.
Each aligned pair goes to OUT_DIR/PACKAGE.tsv as english, french, package, "manual", relative path, where PACKAGE is
the French package (the one whose translation the pair is).
"""
import difflib
import pathlib
import sys

import lxml.html

import segments

# name: (French package, French folder, English package, English folder), folders relative to the package root.
# A file's English counterpart has the same relative path, with the language suffixes of ENGLISH_NAME swapped.
MANUALS = {
    'debian-handbook': ('debian-handbook', 'usr/share/doc/debian-handbook/html/fr-FR',
                        'debian-handbook', 'usr/share/doc/debian-handbook/html/en-US'),
    'libreoffice-help': ('libreoffice-help-fr', 'usr/share/libreoffice/help/fr',
                         'libreoffice-help-en-us', 'usr/share/libreoffice/help/en-US'),
    'installation-guide': ('installation-guide-amd64', 'usr/share/doc/installation-guide-amd64/fr',
                           'installation-guide-amd64', 'usr/share/doc/installation-guide-amd64/en'),
    'aptitude-doc': ('aptitude-doc-fr', 'usr/share/doc/aptitude/html/fr',
                     'aptitude-doc-en', 'usr/share/doc/aptitude/html/en'),
    'developers-reference': ('developers-reference-fr', 'usr/share/developers-reference/fr',
                             'developers-reference', 'usr/share/developers-reference'),
    'maint-guide': ('maint-guide-fr', 'usr/share/doc/maint-guide-fr/html', 'maint-guide',
                    'usr/share/doc/maint-guide/html'),
    'gimp-help': ('gimp-help-fr', 'usr/share/gimp/2.0/help/fr', 'gimp-help-en', 'usr/share/gimp/2.0/help/en'),
    'kicad-doc': ('kicad-doc-fr', 'usr/share/doc/kicad/help/fr', 'kicad-doc-en', 'usr/share/doc/kicad/help/en'),
}

ENGLISH_NAME = {'maint-guide': ('.fr.html', '.en.html')}

BLOCKS = frozenset('p li dt dd h1 h2 h3 h4 h5 h6 td th caption figcaption blockquote title'.split())
SKIPPED = frozenset('pre script style'.split())
INLINE_CODE = frozenset('code tt kbd samp'.split())


def block_text(element):
    """The block's text with inline code between backticks and whitespace collapsed."""
    parts = []

    def walk(node):
        if isinstance(node.tag, str) and node.tag in INLINE_CODE:
            code = segments.collapse_spaces(node.text_content())
            if code:
                parts.append(f' `{code}` ' if '`' not in code else code)
        else:
            if isinstance(node.tag, str) and node.text:
                parts.append(node.text)
            for child in node:
                walk(child)
                if child.tail:
                    parts.append(child.tail)
    walk(element)
    text = segments.collapse_spaces(''.join(parts))
    return text.replace('` ,', '`,').replace('` .', '`.').replace('( `', '(`').replace('` )', '`)')


def is_block(element):
    # Publican (debian-handbook) writes paragraphs as <div class="para">.
    return isinstance(element.tag, str) and (
        element.tag in BLOCKS or (element.tag == 'div' and element.get('class') in ('para', 'formalpara')))


def is_skipped(element):
    """Code listings, scripts, and the navigation bars repeated on every page."""
    return element.tag in SKIPPED or 'nav' in (element.get('class') or '') or element.get('id') == 'navigation'


def leaf_blocks(path):
    """(signature, text) of every block element holding no other block, in document order."""
    try:
        tree = lxml.html.parse(str(path))
    except Exception as error:
        print(f'manuals: {path}: {error}', file=sys.stderr)
        return []
    blocks = []
    for element in tree.iter():
        if not is_block(element) or any(is_block(d) for d in element.iterdescendants()):
            continue
        if is_skipped(element) or any(is_skipped(a) for a in element.iterancestors()):
            continue
        text = block_text(element)
        if text:
            blocks.append((f"{element.tag}.{element.get('class', '')}", text))
    return blocks


def aligned_blocks(english_path, french_path):
    english, french = leaf_blocks(english_path), leaf_blocks(french_path)
    matcher = difflib.SequenceMatcher(None, [b[0] for b in english], [b[0] for b in french], autojunk=False)
    for match in matcher.get_matching_blocks():
        for offset in range(match.size):
            yield english[match.a + offset][1], french[match.b + offset][1]


def main(root, out_dir):
    root, out_dir = pathlib.Path(root), pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rows_by_package = {}
    for name, (fr_package, fr_folder, en_package, en_folder) in MANUALS.items():
        french_root, english_root = root / fr_package / fr_folder, root / en_package / en_folder
        if not french_root.is_dir() or not english_root.is_dir():
            print(f'manuals: {name}: {french_root} or {english_root} is missing', file=sys.stderr)
            continue
        count = 0
        for french_path in sorted(french_root.rglob('*.html')):
            relative = french_path.relative_to(french_root)
            old, new = ENGLISH_NAME.get(name, ('', ''))
            english_path = english_root / str(relative).replace(old, new) if old else english_root / relative
            if not english_path.is_file():
                continue
            for en, fr in aligned_blocks(english_path, french_path):
                rows_by_package.setdefault(fr_package, []).append((en, fr, fr_package, 'manual', f'{name}/{relative}'))
                count += 1
        print(f'manuals: {name}: {count} aligned blocks', file=sys.stderr)
    for package, rows in rows_by_package.items():
        with open(out_dir / f'{package}.tsv', 'w', encoding='utf-8') as out:
            for row in rows:
                out.write('\t'.join(field.replace('\t', ' ') for field in row) + '\n')


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(*sys.argv[1:])
