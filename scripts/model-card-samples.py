#!/usr/bin/python3
"""Prints a Markdown table of random samples of a test set with a model's translations, for models/README.md.

usage: model-card-samples.py TEST_TSV HYPOTHESES [COUNT] [SEED]
TEST_TSV is English<TAB>French (several lines with the same French sentence are its references, as `attn eval`
reads them); HYPOTHESES is `attn eval --out`'s file, one translation per distinct French sentence in order of first
appearance. COUNT defaults to 20, SEED to 1.
"""
import random
import sys


def read_segments(path):
    """[(french, [distinct English references])] in order of first appearance, as attn eval groups them."""
    order, references = [], {}
    for line in open(path, encoding='utf-8'):
        columns = line.rstrip('\n').split('\t')
        english, french = columns[0], columns[1]
        if french not in references:
            order.append(french)
            references[french] = []
        if english not in references[french]:
            references[french].append(english)
    return [(french, references[french]) for french in order]


def cell(text):
    return text.replace('|', '\\|')


def main(test_path, hypotheses_path, count='20', seed='1'):
    segments = read_segments(test_path)
    hypotheses = open(hypotheses_path, encoding='utf-8').read().split('\n')[:len(segments)]
    if len(hypotheses) != len(segments):
        sys.exit(f'{hypotheses_path} has {len(hypotheses)} lines for {len(segments)} segments')
    chosen = sorted(random.Random(int(seed)).sample(range(len(segments)), min(int(count), len(segments))))
    print('| French | model | reference(s) |')
    print('|---|---|---|')
    for i in chosen:
        french, references = segments[i]
        print(f'| {cell(french)} | {cell(hypotheses[i])} | {cell(" / ".join(references))} |')


if __name__ == '__main__':
    if not 3 <= len(sys.argv) <= 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])
