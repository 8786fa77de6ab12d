"""Cleans, filters and splits the extracted pairs into the corpus, and writes its manifest.

usage: assemble.py WORK MANIFEST
Reads WORK/pairs/{messages,manuals}/*.tsv (messages.py, manuals.py) and WORK/root (fetch.sh), writes
WORK/corpus/{train,dev-messages,dev-manuals,test-messages,test-manuals}.tsv (English<TAB>French, the Tatoeba
layout) and MANIFEST (one line per package: source package, version, licence, kind, pairs extracted and kept, split).

- Reserved for evaluation: every pair whose English or French side (or one of its sentences) also occurs, compared
  by segments.match_key, in a reserved gettext domain or in the reserved debian-reference manual is dropped.
- Dev and test hold whole source packages (HELD_OUT); a dev/test segment whose French side occurs in train is
  dropped, so the scores measure text the model has not seen. Manual sets keep paragraphs of 4-60 English words.
- Train: pairs split into sentences when both sides split into as many; each (English, French) pair once.
"""
import collections
import pathlib
import random
import re
import sys

import manuals
import segments

MAX_WORDS = 80
HELD_OUT = {
    'test': {'aptitude', 'maint-guide', 'gnome-disk-utility', 'synaptic', 'file-roller', 'transmission', 'hexchat',
             'sudo', 'parted', 'mc', 'meld'},
    'dev': {'installation-guide', 'gnome-calculator', 'baobab', 'pavucontrol', 'simple-scan', 'seahorse',
            'xfce4-terminal', 'ristretto'},
}
SET_SIZE = {'messages': 1500, 'manuals': 1000}
RESERVED_MANUALS = ('debian-reference-fr', 'debian-reference-en')


def read_control(package_root):
    fields = dict(line.split(': ', 1) for line in (package_root / '.control').read_text().splitlines() if ': ' in line)
    source = fields.get('Source', fields['Package']).split(' ')[0]
    return source, fields['Version']


def licence_of(package_root):
    """The licences named by the package's copyright file (DEP-5 'License:' lines, else well-known names)."""
    files = sorted(package_root.glob('usr/share/doc/*/copyright'))
    if not files:
        return 'unknown (no copyright file)'
    text = files[0].read_text(errors='replace')
    names = collections.Counter(m.group(1).strip() for m in re.finditer(r'^License:\s*(\S[^\n]*)', text, re.M))
    if not names:
        known = ['GPL-3', 'GPL-2', 'LGPL', 'GFDL', 'MPL-2.0', 'Apache-2.0', 'BSD', 'Expat', 'CC-BY-SA']
        patterns = {'GPL-3': r'General Public License.{0,40}version 3', 'GPL-2': r'General Public License.{0,40}'
                    r'version 2', 'LGPL': r'Lesser General', 'GFDL': r'Free Documentation License', 'MPL-2.0':
                    r'Mozilla Public License', 'Apache-2.0': r'Apache License', 'BSD': r'BSD', 'Expat': r'\bMIT\b',
                    'CC-BY-SA': r'Creative Commons'}
        found = [name for name in known if re.search(patterns[name], text, re.S | re.I)]
        return ', '.join(found) if found else 'see copyright file'
    return ', '.join(name for name, _ in names.most_common(4))


def reserved_keys(work):
    """match_key of every reserved segment and its sentences, per language."""
    keys = {'en': set(), 'fr': set()}

    def add(language, text):
        keys[language].add(segments.match_key(text))
        for sentence in segments.split_sentences(text):
            keys[language].add(segments.match_key(sentence))
    for path in sorted((work / 'pairs' / 'messages' / 'reserved').glob('*.tsv')):
        for line in path.open(encoding='utf-8'):
            en, fr = line.rstrip('\n').split('\t')[:2]
            add('en', en)
            add('fr', fr)
    for package in RESERVED_MANUALS:
        language = package.rsplit('-', 1)[1]
        for page in sorted((work / 'root' / package).rglob('*.html')):
            for _, text in manuals.leaf_blocks(page):
                add(language, text)
    keys['en'].discard('')
    keys['fr'].discard('')
    return keys


def units_of(en, fr):
    """Sentence pairs when both sides split into as many sentences, else the pair whole."""
    en_sentences, fr_sentences = segments.split_sentences(en), segments.split_sentences(fr)
    if len(en_sentences) == len(fr_sentences) > 1:
        return list(zip(en_sentences, fr_sentences))
    return [(en, fr)]


def split_of(source):
    for split, sources in HELD_OUT.items():
        if source in sources:
            return split
    return 'train'


def main(work, manifest_path):
    work = pathlib.Path(work)
    reserved = reserved_keys(work)
    print(f'assemble: {len(reserved["en"])} English and {len(reserved["fr"])} French reserved keys', file=sys.stderr)
    kept = {'train': {}, 'dev': collections.defaultdict(list), 'test': collections.defaultdict(list)}
    manifest = {}
    reasons = collections.Counter()
    for kind in ('messages', 'manuals'):
        for path in sorted((work / 'pairs' / kind).glob('*.tsv')):
            package = path.stem
            source, version = read_control(work / 'root' / package)
            split = split_of(source)
            entry = manifest.setdefault((package, kind), {'source': source, 'version': version, 'split': split,
                                                          'licence': licence_of(work / 'root' / package),
                                                          'extracted': 0, 'kept': 0})
            for line in path.open(encoding='utf-8'):
                en, fr = line.rstrip('\n').split('\t')[:2]
                entry['extracted'] += 1
                reason = segments.rejection(en, fr, MAX_WORDS)
                if reason is None and (segments.match_key(en) in reserved['en'] or
                                       segments.match_key(fr) in reserved['fr']):
                    reason = 'reserved for evaluation'
                if reason:
                    reasons[reason] += 1
                    continue
                if split == 'train':
                    for unit in units_of(en, fr):
                        if segments.rejection(*unit, MAX_WORDS):  # e.g. a section number split off
                            continue
                        key = (segments.match_key(unit[0]), segments.match_key(unit[1]))
                        if key not in kept['train']:
                            kept['train'][key] = (unit, (package, kind))
                else:
                    kept[split][kind].append(((en, fr), (package, kind)))
    for unit, owner in kept['train'].values():
        manifest[owner]['kept'] += 1
    write_held_out(work, kept, manifest)
    write_tsv(work / 'corpus' / 'train.tsv', [unit for unit, _ in kept['train'].values()])
    write_manifest(manifest_path, manifest)
    print('assemble: dropped ' + ', '.join(f'{n} {r}' for r, n in reasons.most_common()), file=sys.stderr)
    print(f'assemble: train {len(kept["train"])} pairs', file=sys.stderr)


def write_held_out(work, kept, manifest):
    """Dev and test sets: unseen French sides, paragraphs of 4-60 words for manuals, a fixed-seed sample."""
    train_french = {key[1] for key in kept['train']}
    for split in ('dev', 'test'):
        for kind, rows in kept[split].items():
            seen, candidates = set(), []
            for (en, fr), owner in rows:
                key = segments.match_key(fr)
                if key in train_french or key in seen:
                    continue
                if kind == 'manuals' and not 4 <= len(en.split()) <= 60:
                    continue
                seen.add(key)
                candidates.append(((en, fr), owner))
            random.Random(f'{split}-{kind}').shuffle(candidates)
            chosen = candidates[:SET_SIZE[kind]]
            for _, owner in chosen:
                manifest[owner]['kept'] += 1
            write_tsv(work / 'corpus' / f'{split}-{kind}.tsv', [pair for pair, _ in chosen])
            print(f'assemble: {split}-{kind} {len(chosen)} of {len(candidates)} unseen segments', file=sys.stderr)


def write_tsv(path, pairs):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, 'w', encoding='utf-8') as out:
        for en, fr in pairs:
            out.write(f'{en}\t{fr}\n')


def write_manifest(path, manifest):
    with open(path, 'w', encoding='utf-8') as out:
        out.write('package\tsource\tversion\tlicence\tkind\textracted\tkept\tsplit\n')
        for (package, kind), e in sorted(manifest.items()):
            out.write(f"{package}\t{e['source']}\t{e['version']}\t{e['licence']}\t{kind}\t{e['extracted']}\t"
                      f"{e['kept']}\t{e['split']}\n")


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(*sys.argv[1:])
