"""Software messages: English msgid / French msgstr pairs from the gettext catalogs of unpacked packages.

usage: messages.py ROOT RESERVED_LIST OUT_DIR
ROOT holds one folder per unpacked package (scripts/corpus/fetch.sh). For each package, every French catalog
(.../fr/LC_MESSAGES/DOMAIN.mo or fr_FR) is read with Python's gettext; the pairs go to OUT_DIR/PACKAGE.tsv as
english, french, package, "messages", domain. Catalogs of a reserved domain go to OUT_DIR/reserved/PACKAGE.tsv
instead: they are only used to remove overlapping segments, never to train. The reserved catalogs installed on
this machine (/usr/share/locale/fr/LC_MESSAGES) are read the same way, into OUT_DIR/reserved/local-system.tsv.
"""
import gettext
import pathlib
import sys

import segments

# The accelerator marker each toolkit uses; LibreOffice's resources use '~', Qt/KDE '&', GTK and most others '_'.
def mnemonic_marker(path):
    text = str(path)
    if '/libreoffice/' in text:
        return '~'
    if '/kf5' in text or 'kde' in text or path.stem.startswith(('k', 'plasma', 'dolphin', 'okular', 'gwenview',
                                                                   'ark', 'konsole', 'kate', 'digikam', 'libkf')):
        return '&'
    return '_'


def read_catalog(path):
    """(msgid, msgstr) for every translated message: context dropped, plurals by their singular forms."""
    with open(path, 'rb') as handle:
        catalog = gettext.GNUTranslations(handle)._catalog
    for key, value in catalog.items():
        if isinstance(key, tuple):  # plural: (msgid, form index)
            if key[1] != 0:
                continue
            key = key[0]
        if not key or not value:
            continue
        yield key.split('\x04')[-1], value


def message_pairs(english, french, marker):
    """The clean segment pairs of one message; lines are paired one to one when both sides have as many."""
    english, french = segments.strip_markup(english), segments.strip_markup(french)
    english_lines = [line for line in english.split('\n') if line.strip()]
    french_lines = [line for line in french.split('\n') if line.strip()]
    if len(english_lines) != len(french_lines):
        english_lines, french_lines = [english], [french]
    for en, fr in zip(english_lines, french_lines):
        en, fr = segments.strip_mnemonics(segments.collapse_spaces(en), segments.collapse_spaces(fr), marker)
        yield segments.collapse_spaces(en), segments.collapse_spaces(fr)


def french_catalogs(package_root):
    for pattern in ('**/fr/LC_MESSAGES/*.mo', '**/fr_FR/LC_MESSAGES/*.mo'):
        yield from sorted(package_root.glob(pattern))


def write_rows(path, rows):
    with open(path, 'w', encoding='utf-8') as out:
        for row in rows:
            out.write('\t'.join(field.replace('\t', ' ') for field in row) + '\n')


def catalog_rows(catalog_path, package):
    try:
        messages = list(read_catalog(catalog_path))
    except Exception as error:  # a catalog Python cannot read is reported and skipped
        print(f'messages: {package}: {catalog_path.name}: {error}', file=sys.stderr)
        return []
    marker = mnemonic_marker(catalog_path)
    return [(en, fr, package, 'messages', catalog_path.stem)
            for msgid, msgstr in messages for en, fr in message_pairs(msgid, msgstr, marker)]


def main(root, reserved_list, out_dir):
    reserved = {line.strip() for line in open(reserved_list, encoding='utf-8')
                if line.strip() and not line.startswith('#')}
    out_dir = pathlib.Path(out_dir)
    (out_dir / 'reserved').mkdir(parents=True, exist_ok=True)
    for package_root in sorted(pathlib.Path(root).iterdir()):
        rows = {'train': [], 'reserved': []}
        for catalog_path in french_catalogs(package_root):
            target = 'reserved' if catalog_path.stem in reserved else 'train'
            rows[target] += catalog_rows(catalog_path, package_root.name)
        if rows['train']:
            write_rows(out_dir / f'{package_root.name}.tsv', rows['train'])
        if rows['reserved']:
            write_rows(out_dir / 'reserved' / f'{package_root.name}.tsv', rows['reserved'])
    local = pathlib.Path('/usr/share/locale/fr/LC_MESSAGES')
    write_rows(out_dir / 'reserved' / 'local-system.tsv',
               [row for domain in sorted(reserved) if (local / f'{domain}.mo').is_file()
                for row in catalog_rows(local / f'{domain}.mo', 'local-system')])


if __name__ == '__main__':
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
