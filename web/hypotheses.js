// The n-best alternatives of a translation and the full text built from the ones the user picked. Pure functions
// (no DOM), shared by the page and <attention-translator>.

// A sentence's hypotheses as the engine ranked them (best score first), or the sentence itself when no n-best list
// was asked for.
export function hypothesesOf(sentence) {
  return sentence.nbest?.length ? sentence.nbest : [sentence];
}

// The whole translation with `chosen[i]` (a translation string) for sentence i, keeping the text's own spacing
// between sentences the way the engine does: the gaps are read from `text` around each sentence's source. A source
// not found verbatim (the engine repairs ill-formed text before splitting it) is joined with a single space.
export function joinTranslations(text, sentences, chosen) {
  let cursor = 0;
  let joined = '';
  sentences.forEach((sentence, index) => {
    const at = text.indexOf(sentence.source, cursor);
    if (at >= 0) {
      joined += text.slice(cursor, at);
      cursor = at + sentence.source.length;
    } else if (index > 0) {
      joined += ' ';
    }
    joined += chosen[index] ?? sentence.translation;
  });
  return joined + (cursor > 0 ? text.slice(cursor) : '');
}
