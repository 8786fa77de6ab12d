#include "text/tokenizer.h"

#include <algorithm>
#include <optional>
#include <queue>
#include <stdexcept>

#include "text/normalize.h"
#include "text/protected_spans.h"
#include "text/utf8.h"

namespace attn {

namespace {

constexpr std::string_view kMarker = Tokenizer::kWordMarker;
constexpr int64_t kMinCharCount = 2;   // rarer characters are left to the byte pieces
constexpr int64_t kMinPairCount = 2;   // a pair seen once is not worth a piece
constexpr size_t kMaxCachedUnits = 100000;

uint64_t pair_key(int left, int right) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) | static_cast<uint32_t>(right);
}
int pair_left(uint64_t key) { return static_cast<int>(key >> 32); }
int pair_right(uint64_t key) { return static_cast<int>(key & 0xFFFFFFFFu); }

// Pre-tokenization of normalized text. Each unit starts with a space when it carries the marker, which also
// makes it a cache key distinct from the same unit without the marker.
std::vector<std::string> split_units(const std::string& text) {
  enum class Open { None, Letters, Single };
  std::vector<std::string> units;
  Open open = Open::None;
  bool after_space = true;  // the text is treated as if preceded by a space
  for (size_t pos = 0; pos < text.size();) {
    const DecodedChar decoded = decode_utf8_char(text, pos);
    const std::string_view bytes(text.data() + pos, decoded.length);
    pos += decoded.length;
    if (decoded.code == U' ') {
      open = Open::None;
      after_space = true;
      continue;
    }
    const bool mark = is_mark_char(decoded.code);
    // A placeholder is a unit of its own even next to letters, so a vocabulary holds it as one piece.
    const bool letter = is_letter_char(decoded.code) && !is_placeholder_char(decoded.code);
    // Combining marks stay with whatever they follow; letters extend a letter run.
    if ((mark && open != Open::None) || (letter && open == Open::Letters)) {
      units.back().append(bytes);
      continue;
    }
    units.emplace_back(after_space ? " " : "");
    units.back().append(bytes);
    open = letter || mark ? Open::Letters : Open::Single;
    after_space = false;
  }
  return units;
}

// Calls visit(bytes, is_marker) for each symbol of a unit: the marker (a leading space), then its characters.
template <class Visit>
void for_each_symbol(std::string_view unit, Visit&& visit) {
  size_t pos = 0;
  if (!unit.empty() && unit[0] == ' ') {
    visit(kMarker, true);
    pos = 1;
  }
  while (pos < unit.size()) {
    const size_t length = decode_utf8_char(unit, pos).length;
    visit(unit.substr(pos, length), false);
    pos += length;
  }
}

// Replaces every adjacent (left, right), scanning left to right, by `result`.
void merge_in_place(std::vector<int>& symbols, int left, int right, int result) {
  size_t out = 0;
  for (size_t i = 0; i < symbols.size(); ++i) {
    if (i + 1 < symbols.size() && symbols[i] == left && symbols[i + 1] == right) {
      symbols[out++] = result;
      ++i;
    } else {
      symbols[out++] = symbols[i];
    }
  }
  symbols.resize(out);
}

// Classic BPE over the distinct units of a corpus, weighted by their frequencies. Pair counts are updated
// incrementally: an index maps each pair to the units that contain it (possibly stale), and a max-heap of
// (count, pair) entries is checked lazily against the live counts when popped. Symbol -1 never pairs.
class PairMerger {
 public:
  PairMerger(std::vector<std::vector<int>> symbols, std::vector<int64_t> weights)
      : symbols_(std::move(symbols)), weights_(std::move(weights)), visited_(symbols_.size(), 0) {
    for (uint32_t unit = 0; unit < symbols_.size(); ++unit) {
      for_each_pair(unit, [&](uint64_t pair) {
        counts_[pair] += weights_[unit];
        index_[pair].push_back(unit);
      });
    }
    for (const auto& [pair, count] : counts_) heap_.push({count, pair});
  }

  // The most frequent pair (ties: lowest left id, then lowest right id), or none when no pair occurs
  // kMinPairCount times.
  std::optional<uint64_t> best_pair() {
    while (!heap_.empty()) {
      const HeapEntry top = heap_.top();
      const auto live = counts_.find(top.pair);
      if (live != counts_.end() && live->second == top.count) {
        if (top.count < kMinPairCount) return std::nullopt;
        return top.pair;
      }
      heap_.pop();
      // Every increase pushed its own entry, so only a decreased count needs re-pushing.
      if (live != counts_.end() && live->second < top.count) heap_.push({live->second, top.pair});
    }
    return std::nullopt;
  }

  void merge(uint64_t pair, int result) {
    const int left = pair_left(pair);
    const int right = pair_right(pair);
    ++step_;
    deltas_.clear();
    const auto indexed = index_.find(pair);
    const std::vector<uint32_t> units = std::move(indexed->second);
    index_.erase(indexed);
    for (const uint32_t unit : units) {
      if (visited_[unit] == step_) continue;
      visited_[unit] = step_;
      std::vector<int>& symbols = symbols_[unit];
      bool present = false;
      for (size_t i = 0; i + 1 < symbols.size() && !present; ++i) {
        present = symbols[i] == left && symbols[i + 1] == right;
      }
      if (!present) continue;  // a stale index entry
      for_each_pair(unit, [&](uint64_t p) { deltas_[p] -= weights_[unit]; });
      merge_in_place(symbols, left, right, result);
      for_each_pair(unit, [&](uint64_t p) {
        deltas_[p] += weights_[unit];
        // Only pairs with the new symbol are new to this unit; the others are indexed already.
        if (pair_left(p) == result || pair_right(p) == result) index_[p].push_back(unit);
      });
    }
    for (const auto& [p, delta] : deltas_) {
      if (delta == 0) continue;
      const int64_t count = (counts_[p] += delta);
      if (count <= 0) {
        counts_.erase(p);
        index_.erase(p);
      } else if (delta > 0) {
        heap_.push({count, p});
      }
    }
  }

 private:
  struct HeapEntry {
    int64_t count;
    uint64_t pair;
  };
  struct HeapOrder {
    bool operator()(const HeapEntry& a, const HeapEntry& b) const {
      return a.count != b.count ? a.count < b.count : a.pair > b.pair;
    }
  };

  template <class Visit>
  void for_each_pair(uint32_t unit, Visit&& visit) const {
    const std::vector<int>& symbols = symbols_[unit];
    for (size_t i = 0; i + 1 < symbols.size(); ++i) {
      if (symbols[i] >= 0 && symbols[i + 1] >= 0) visit(pair_key(symbols[i], symbols[i + 1]));
    }
  }

  std::vector<std::vector<int>> symbols_;
  std::vector<int64_t> weights_;
  std::vector<uint32_t> visited_;  // step at which a unit was last merged, to skip duplicate index entries
  uint32_t step_ = 0;
  std::unordered_map<uint64_t, int64_t> counts_;
  std::unordered_map<uint64_t, std::vector<uint32_t>> index_;
  std::unordered_map<uint64_t, int64_t> deltas_;
  std::priority_queue<HeapEntry, std::vector<HeapEntry>, HeapOrder> heap_;
};

// Most frequent first, ties in code point order (UTF-8 byte order is code point order).
std::vector<std::pair<std::string, int64_t>> sorted_by_frequency(
    const std::unordered_map<std::string, int64_t>& counts) {
  std::vector<std::pair<std::string, int64_t>> sorted(counts.begin(), counts.end());
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  return sorted;
}

// Character frequencies over units (the marker counts as "▁"). A literal "▁" in the text is left out: it is
// always encoded as bytes.
std::unordered_map<std::string, int64_t> count_characters(const std::vector<std::pair<std::string, int64_t>>& units) {
  std::unordered_map<std::string, int64_t> counts;
  for (const auto& unit : units) {
    const int64_t frequency = unit.second;  // a named copy: lambdas cannot capture structured bindings in C++17
    for_each_symbol(unit.first, [&](std::string_view bytes, bool is_marker) {
      if (is_marker || bytes != kMarker) counts[std::string(bytes)] += frequency;
    });
  }
  return counts;
}

// "<0x4A>": two upper-case hex digits written by hand (snprintf would pull printf's float formatting into the wasm).
std::string byte_piece_name(int byte) {
  constexpr char kHexDigits[] = "0123456789ABCDEF";
  return {'<', '0', 'x', kHexDigits[(byte >> 4) & 0xF], kHexDigits[byte & 0xF], '>'};
}

// FNV-1a: short keys, no need for more. Hashing `b` from the hash of `a` gives the hash of a + b.
uint32_t piece_hash(std::string_view text, uint32_t hash = 2166136261u) {
  for (const char byte : text) hash = (hash ^ static_cast<unsigned char>(byte)) * 16777619u;
  return hash;
}

// Puts `id` (spelled `text`, not yet in the table) into the first free slot of its probe sequence.
void insert_slot(std::vector<int>& table, std::string_view text, int id) {
  const size_t mask = table.size() - 1;
  size_t slot = piece_hash(text) & mask;
  while (table[slot] >= 0) slot = (slot + 1) & mask;
  table[slot] = id;
}

}  // namespace

// ---- cache ----

Tokenizer::UnitCache& Tokenizer::UnitCache::operator=(const UnitCache&) {
  const std::lock_guard<std::mutex> lock(mutex_);
  entries_.clear();
  return *this;
}

bool Tokenizer::UnitCache::find(const std::string& unit, std::vector<int>& ids) const {
  const std::lock_guard<std::mutex> lock(mutex_);
  const auto found = entries_.find(unit);
  if (found == entries_.end()) return false;
  ids = found->second;
  return true;
}

void Tokenizer::UnitCache::insert(const std::string& unit, const std::vector<int>& ids) {
  const std::lock_guard<std::mutex> lock(mutex_);
  if (entries_.size() >= kMaxCachedUnits) entries_.clear();  // bounded memory, whatever the input
  entries_.emplace(unit, ids);
}

// ---- vocabulary ----

const std::vector<std::string>& Tokenizer::base_pieces() {
  static const std::vector<std::string> pieces = [] {
    std::vector<std::string> names = {"<pad>", "<s>", "</s>"};
    names.reserve(kFirstLearned);
    for (int byte = 0; byte < 256; ++byte) names.push_back(byte_piece_name(byte));
    return names;
  }();
  return pieces;
}

int Tokenizer::add_piece(std::string piece) {
  const int found = find_piece(piece);
  if (found >= 0) return found;
  pieces_.push_back(std::move(piece));
  index_last_piece();
  return size() - 1;
}

int Tokenizer::find_piece(std::string_view prefix, std::string_view suffix) const noexcept {
  if (piece_slots_.empty()) return -1;
  const size_t mask = piece_slots_.size() - 1;
  for (size_t slot = piece_hash(suffix, piece_hash(prefix)) & mask;; slot = (slot + 1) & mask) {
    const int id = piece_slots_[slot];
    if (id < 0) return -1;
    // Only non-throwing comparisons: a call that may throw would need a landing pad in this noexcept function.
    const std::string& piece = pieces_[static_cast<size_t>(id)];
    if (piece.size() == prefix.size() + suffix.size() && std::string_view(piece.data(), prefix.size()) == prefix &&
        std::string_view(piece.data() + prefix.size(), suffix.size()) == suffix) {
      return id;
    }
  }
}

void Tokenizer::index_last_piece() {
  const size_t learned = pieces_.size() - kFirstLearned;
  if (learned * 2 > piece_slots_.size()) {
    reindex_pieces(learned * 2);  // doubling keeps appends amortized O(1)
  } else {
    insert_slot(piece_slots_, pieces_.back(), size() - 1);
  }
}

void Tokenizer::reindex_pieces(size_t count) {
  size_t slots = 16;
  while (slots < count * 2) slots *= 2;
  std::vector<int> table(slots, -1);
  for (int id = kFirstLearned; id < size(); ++id) insert_slot(table, pieces_[static_cast<size_t>(id)], id);
  piece_slots_ = std::move(table);
}

bool Tokenizer::add_merge(int left, int right, int result) {
  const bool added =
      merge_rules_.emplace(pair_key(left, right), MergeRule{static_cast<int>(merges_.size()), result}).second;
  if (added) merges_.emplace_back(left, right);
  return added;
}

void Tokenizer::check_id(int id) const {
  if (id < 0 || id >= size()) {
    throw std::invalid_argument("token id " + std::to_string(id) + " is outside the vocabulary (size " +
                                std::to_string(size()) + ")");
  }
}

// ---- learning ----

Tokenizer Tokenizer::learn_bpe(const std::vector<std::string>& sentences, int vocab_size) {
  if (vocab_size < kFirstLearned) {
    throw std::invalid_argument("learn_bpe: vocab_size must be at least " + std::to_string(kFirstLearned));
  }
  std::unordered_map<std::string, int64_t> unit_counts;
  for (const std::string& sentence : sentences) {
    for (std::string& unit : split_units(normalize(sentence))) ++unit_counts[std::move(unit)];
  }
  // Sorted so that nothing depends on hash order.
  std::vector<std::pair<std::string, int64_t>> units(unit_counts.begin(), unit_counts.end());
  std::sort(units.begin(), units.end());

  Tokenizer tokenizer;
  tokenizer.mode_ = TokenizerMode::Bpe;
  for (const auto& [character, count] : sorted_by_frequency(count_characters(units))) {
    if (count < kMinCharCount || tokenizer.size() >= vocab_size) break;
    tokenizer.add_piece(character);
  }

  std::vector<std::vector<int>> symbols;
  std::vector<int64_t> weights;
  symbols.reserve(units.size());
  weights.reserve(units.size());
  for (const auto& [unit, frequency] : units) {
    std::vector<int> unit_symbols;
    for_each_symbol(unit, [&](std::string_view bytes, bool is_marker) {
      // -1: byte fallback
      unit_symbols.push_back(is_marker || bytes != kMarker ? tokenizer.find_piece(bytes) : -1);
    });
    symbols.push_back(std::move(unit_symbols));
    weights.push_back(frequency);
  }

  PairMerger merger(std::move(symbols), std::move(weights));
  while (tokenizer.size() < vocab_size) {
    const std::optional<uint64_t> best = merger.best_pair();
    if (!best) break;
    const int left = pair_left(*best);
    const int right = pair_right(*best);
    // Different merge paths can spell the same piece ("▁l"+"es", "▁le"+"s"); the piece is then reused, and a
    // pair that reappears through such a reuse keeps its first rule.
    const int result = tokenizer.add_piece(tokenizer.pieces_[static_cast<size_t>(left)] +
                                           tokenizer.pieces_[static_cast<size_t>(right)]);
    tokenizer.add_merge(left, right, result);
    merger.merge(*best, result);
  }
  return tokenizer;
}

Tokenizer Tokenizer::learn_chars(const std::vector<std::string>& sentences) {
  std::unordered_map<std::string, int64_t> counts;
  for (const std::string& sentence : sentences) {
    const std::string text = normalize(sentence);
    for (size_t pos = 0; pos < text.size();) {
      const std::string_view character = std::string_view(text).substr(pos, decode_utf8_char(text, pos).length);
      if (character == " ") {
        ++counts[std::string(kMarker)];
      } else if (character != kMarker) {
        ++counts[std::string(character)];
      }
      pos += character.size();
    }
  }
  Tokenizer tokenizer;
  tokenizer.mode_ = TokenizerMode::Char;
  for (const auto& [character, count] : sorted_by_frequency(counts)) tokenizer.add_piece(character);
  return tokenizer;
}

// ---- encoding and decoding ----

void Tokenizer::append_char_ids(std::string_view character, std::vector<int>& ids) const {
  if (character != kMarker) {  // a literal "▁" must not read back as a space
    const int found = find_piece(character);
    if (found >= 0) {
      ids.push_back(found);
      return;
    }
  }
  for (const char byte : character) ids.push_back(kFirstByte + static_cast<unsigned char>(byte));
}

std::vector<int> Tokenizer::encode_unit(std::string_view unit) const {
  std::vector<int> symbols;
  for_each_symbol(unit, [&](std::string_view bytes, bool is_marker) {
    if (!is_marker) {
      append_char_ids(bytes, symbols);
      return;
    }
    const int marker = find_piece(kMarker);
    symbols.push_back(marker >= 0 ? marker : kFirstByte + ' ');
  });
  while (symbols.size() >= 2) {
    const MergeRule* best = nullptr;
    uint64_t best_pair = 0;
    for (size_t i = 0; i + 1 < symbols.size(); ++i) {
      const uint64_t pair = pair_key(symbols[i], symbols[i + 1]);
      const auto rule = merge_rules_.find(pair);
      if (rule != merge_rules_.end() && (best == nullptr || rule->second.rank < best->rank)) {
        best = &rule->second;
        best_pair = pair;
      }
    }
    if (best == nullptr) break;
    merge_in_place(symbols, pair_left(best_pair), pair_right(best_pair), best->result);
  }
  return symbols;
}

std::vector<int> Tokenizer::encode(std::string_view text) const {
  const std::string normalized = normalize(text);
  std::vector<int> ids;
  if (mode_ == TokenizerMode::Char) {
    const int marker = find_piece(kMarker);
    for (size_t pos = 0; pos < normalized.size();) {
      const size_t length = decode_utf8_char(normalized, pos).length;
      if (normalized[pos] == ' ') {
        ids.push_back(marker >= 0 ? marker : kFirstByte + ' ');
      } else {
        append_char_ids(std::string_view(normalized).substr(pos, length), ids);
      }
      pos += length;
    }
    return ids;
  }
  std::vector<int> unit_ids;
  for (const std::string& unit : split_units(normalized)) {
    if (!unit_cache_.find(unit, unit_ids)) {
      unit_ids = encode_unit(unit);
      unit_cache_.insert(unit, unit_ids);
    }
    ids.insert(ids.end(), unit_ids.begin(), unit_ids.end());
  }
  return ids;
}

std::string Tokenizer::piece_bytes(int id) const {
  check_id(id);
  if (id < kFirstByte) return {};
  if (id < kFirstLearned) return std::string(1, static_cast<char>(id - kFirstByte));
  std::string bytes;
  const std::string& piece = pieces_[static_cast<size_t>(id)];
  for (size_t pos = 0; pos < piece.size();) {
    if (piece.compare(pos, kMarker.size(), kMarker) == 0) {
      bytes.push_back(' ');
      pos += kMarker.size();
    } else {
      bytes.push_back(piece[pos++]);
    }
  }
  return bytes;
}

std::string Tokenizer::decode(const std::vector<int>& ids) const {
  std::string text;
  std::string bytes;  // a run of byte pieces, validated as a whole
  for (const int id : ids) {
    check_id(id);
    if (id < kFirstByte) continue;
    if (id < kFirstLearned) {
      bytes.push_back(static_cast<char>(id - kFirstByte));
      continue;
    }
    text += sanitize_utf8(bytes);
    bytes.clear();
    text += piece_bytes(id);
  }
  text += sanitize_utf8(bytes);
  if (!text.empty() && text[0] == ' ') text.erase(0, 1);
  return text;
}

std::vector<std::string> Tokenizer::display_pieces(const std::vector<int>& ids) const {
  std::vector<std::string> shown;
  shown.reserve(ids.size());
  for (const int id : ids) {
    check_id(id);
    shown.push_back(pieces_[static_cast<size_t>(id)]);
  }
  return shown;
}

}  // namespace attn
