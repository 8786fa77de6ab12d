#!/usr/bin/env python3
"""Adds name- and month-substituted copies of sentence pairs, so that the model learns to copy names it never saw.

Tatoeba names almost everyone Tom or Mary (14,095 and 2,123 of 160,792 training pairs; "Jane" never occurs), so a
model trained on it reads an unseen name as French ("Jane visite" → "J'ai visité"). Months are rare too
("septembre": 14 pairs). For each pair (English TAB French, extra columns kept) where a name occurs as a whole word
equally often on both sides, a copy with another first name is added; where one month occurs on both sides (the
French and English name of the same month), copies with other months are added. Deterministic (fixed seed).

usage: augment.py < pairs.tsv > added-pairs.tsv     (prints only the added copies)
"""
import random
import re
import sys

NAMES_TOM = ["Jane", "John", "Paul", "Peter", "David", "James", "Robert", "Michael", "William", "Richard", "Thomas",
             "Daniel", "Matthew", "Andrew", "Mark", "Steven", "Kevin", "Brian", "George", "Edward", "Henry", "Jack",
             "Oliver", "Harry", "Samuel", "Lucas", "Hugo", "Louis", "Arthur", "Jules", "Nathan", "Ethan", "Noah",
             "Adam", "Victor", "Martin", "Simon", "Julien", "Pierre", "Antoine", "Nicolas", "Olivier", "Karim",
             "Mohamed", "Omar", "Ali", "Yusuf", "Ahmed", "Chen", "Wei", "Hiroshi", "Kenji", "Ivan", "Dmitri", "Carlos",
             "Diego", "Pablo", "Marco", "Luca", "Hans", "Lars", "Sven", "Kofi", "Amadou", "Raj", "Arjun", "Linus",
             "Bruno", "Felix", "Oscar", "Leo", "Max", "Ben", "Sam", "Alex", "Ken", "Bob", "Jim", "Joe", "Tim"]
NAMES_MARY = ["Jane", "Anna", "Emma", "Sophie", "Julia", "Laura", "Sarah", "Alice", "Claire", "Lucy", "Emily",
              "Helen", "Susan", "Linda", "Karen", "Nancy", "Lisa", "Kate", "Rachel", "Rebecca", "Charlotte",
              "Chloe", "Camille", "Manon", "Léa", "Inès", "Zoé", "Louise", "Juliette", "Marie", "Nathalie",
              "Isabelle", "Sylvie", "Fatima", "Aisha", "Yasmine", "Leila", "Mei", "Yuki", "Sakura", "Olga",
              "Natasha", "Maria", "Lucia", "Elena", "Sofia", "Ingrid", "Astrid", "Amina", "Priya", "Ada", "Grace",
              "Ruth", "Eve", "Nina", "Eva", "Jo", "Kim", "Liz", "Sue", "Meg", "Amy"]
SUBSTITUTIONS = {"Tom": NAMES_TOM, "Mary": NAMES_MARY}
COPIES_PER_NAME_PAIR = 1

MONTHS = [("January", "janvier"), ("February", "février"), ("March", "mars"), ("April", "avril"), ("May", "mai"),
          ("June", "juin"), ("July", "juillet"), ("August", "août"), ("September", "septembre"),
          ("October", "octobre"), ("November", "novembre"), ("December", "décembre")]
COPIES_PER_MONTH_PAIR = 3


def whole_word(word):
    return re.compile(r"(?<![\w'’-])" + re.escape(word) + r"(?![\w-])")


NAME_PATTERNS = {name: whole_word(name) for name in SUBSTITUTIONS}
EN_MONTHS = [whole_word(en) for en, _ in MONTHS]
FR_MONTHS = [re.compile(r"(?<![\w-])" + re.escape(fr) + r"(?![\w-])", re.IGNORECASE) for _, fr in MONTHS]


def name_copies(english, french, rng):
    copies = []
    for name, pattern in NAME_PATTERNS.items():
        count = len(pattern.findall(english))
        if count == 0 or count != len(pattern.findall(french)):
            continue
        for _ in range(COPIES_PER_NAME_PAIR):
            other = rng.choice(SUBSTITUTIONS[name])
            copies.append((pattern.sub(other, english), pattern.sub(other, french)))
    return copies


def month_copies(english, french, rng):
    en_hits = [i for i, p in enumerate(EN_MONTHS) if p.search(english)]
    fr_hits = [i for i, p in enumerate(FR_MONTHS) if p.search(french)]
    # "May" is also a verb: only pairs whose French side names the same single month.
    if len(en_hits) != 1 or fr_hits != en_hits:
        return []
    month = en_hits[0]
    copies = []
    for other in rng.sample([m for m in range(12) if m != month], COPIES_PER_MONTH_PAIR):
        en = EN_MONTHS[month].sub(MONTHS[other][0], english)
        fr = FR_MONTHS[month].sub(lambda m: MONTHS[other][1].capitalize() if m.group(0)[0].isupper()
                                  else MONTHS[other][1], french)
        copies.append((en, elide(fr)))
    return copies


def elide(french):
    """French elision before a month: "cet août" but "ce mars", "d'avril" but "de mai"."""
    starts = "|".join(fr for _, fr in MONTHS)
    french = re.sub(r"\b([Cc])et (?=(?:" + starts + r")\b)(?![aeiouéh])", r"\1e ", french)
    french = re.sub(r"\b([Cc])e (?=[aeoué])(?=(?:" + starts + r")\b)", r"\1et ", french)
    french = re.sub(r"\b([Dd])e (?=[aeoué])(?=(?:" + starts + r")\b)", r"\1'", french)
    french = re.sub(r"\b([Dd])'(?![aeoué])(?=(?:" + starts + r")\b)", r"\1e ", french)
    return french


def main():
    rng = random.Random(1)
    for line in sys.stdin:
        columns = line.rstrip("\n").split("\t")
        if len(columns) < 2:
            continue
        english, french, rest = columns[0], columns[1], columns[2:]
        for en, fr in name_copies(english, french, rng) + month_copies(english, french, rng):
            print("\t".join([en, fr] + rest))


if __name__ == "__main__":
    main()
