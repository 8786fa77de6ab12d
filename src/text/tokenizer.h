// Subword (BPE, sentencepiece-style "▁" word-boundary marker) and character tokenizers.
//
// Every vocabulary starts with the special tokens <pad>, <s>, </s> followed by the 256 byte pieces <0x00>..<0xFF>,
// so any text is encodable (characters outside the vocabulary fall back to their UTF-8 bytes) and no <unk> exists.
// decode(encode(t)) == normalize(t) exactly.
//
// Pre-tokenization (BPE): normalized text splits into units — a run of letters and combining marks, a single
// digit, a protected-span placeholder U+E000..U+E00F (text/protected_spans.h), or a single other character
// (punctuation, symbol, emoji; following combining marks stay attached) — and
// a unit that follows a space (or starts the text) begins with the marker "▁". Merges never cross units.
// A literal "▁" in the text is always encoded as its bytes, so it cannot be confused with the marker; when the
// vocabulary has no "▁" piece the marker (and, in char mode, a space) is encoded as the byte piece <0x20>.
//
// A default-constructed tokenizer is byte-level: BPE mode with no learned pieces or merges.
// encode(), decode() and display_pieces() are safe to call from several threads at once.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace attn {

enum class TokenizerMode { Bpe, Char };

class Tokenizer {
 public:
  static constexpr int kPad = 0;
  static constexpr int kBos = 1;
  static constexpr int kEos = 2;
  static constexpr int kFirstByte = 3;     // id of <0x00>
  static constexpr int kFirstLearned = 259;  // first id after the byte pieces
  static constexpr std::string_view kWordMarker = "\xE2\x96\x81";  // "▁" (U+2581)

  Tokenizer() = default;

  // Learns BPE merges from (already split) training sentences until the vocabulary holds `vocab_size` pieces
  // (fewer when no adjacent pair occurs twice any more). Characters seen fewer than twice are left to the byte
  // pieces. Deterministic. Throws std::invalid_argument when vocab_size < kFirstLearned.
  static Tokenizer learn_bpe(const std::vector<std::string>& sentences, int vocab_size);
  // One piece per character seen in the sentences (for the date model); the space is the piece "▁".
  static Tokenizer learn_chars(const std::vector<std::string>& sentences);

  // Serialized form stored in the model file's metadata; from_json throws std::runtime_error naming the problem.
  // {"mode":"bpe"|"char","pieces":[learned pieces, in id order from kFirstLearned],"merges":[["a","b"],...]}
  std::string to_json() const;
  static Tokenizer from_json(const std::string& json);

  // Normalizes, then splits into piece ids (no <s> or </s> added).
  std::vector<int> encode(std::string_view text) const;
  // Concatenates pieces, turns "▁" back into spaces, drops specials; always valid UTF-8 (bad byte runs → U+FFFD).
  // Throws std::invalid_argument for an id outside the vocabulary.
  std::string decode(const std::vector<int>& ids) const;
  // The piece strings for display: "▁" kept as is, byte pieces as "<0xC3>", specials as "<s>" etc.
  // Throws std::invalid_argument for an id outside the vocabulary.
  std::vector<std::string> display_pieces(const std::vector<int>& ids) const;

  // The bytes one piece stands for in decoded text: the marker as a space, a byte piece as its byte, specials as
  // nothing. Unlike decode(), byte runs are not validated, so offsets into the concatenation map back to pieces.
  // Throws std::invalid_argument for an id outside the vocabulary.
  std::string piece_bytes(int id) const;

  int size() const { return static_cast<int>(pieces_.size()); }
  TokenizerMode mode() const { return mode_; }
  const std::string& piece(int id) const { return pieces_.at(static_cast<size_t>(id)); }

 private:
  struct MergeRule {
    int rank;
    int result;  // piece id of the merged symbol
  };

  // Bounded memo of BPE unit encodings, guarded by a mutex so concurrent encode() calls can share it.
  // Copies start empty, which keeps Tokenizer copyable and movable.
  class UnitCache {
   public:
    UnitCache() = default;
    UnitCache(const UnitCache&) noexcept {}
    UnitCache& operator=(const UnitCache&);
    bool find(const std::string& unit, std::vector<int>& ids) const;
    void insert(const std::string& unit, const std::vector<int>& ids);

   private:
    mutable std::mutex mutex_;
    std::unordered_map<std::string, std::vector<int>> entries_;
  };

  // <pad>, <s>, </s> and the 256 byte pieces.
  static const std::vector<std::string>& base_pieces();
  // Registers a learned piece (appends it unless it exists) and returns its id.
  int add_piece(std::string piece);
  // Id of the learned piece spelled prefix + suffix, or -1.
  int find_piece(std::string_view prefix, std::string_view suffix = {}) const noexcept;
  // Adds the last piece of pieces_ (not yet indexed) to the piece index, growing it when needed.
  void index_last_piece();
  // Sizes the piece index for `count` learned pieces and indexes those present.
  void reindex_pieces(size_t count);
  // Adds the rule for merging (left, right) into `result`; false (and nothing added) when the pair has one.
  bool add_merge(int left, int right, int result);
  // from_json's per-item checks (tokenizer_json.cpp); `available` is scratch space owned by the caller.
  void add_json_pieces(std::vector<std::string>& pieces);
  void add_json_merges(const std::vector<std::pair<std::string, std::string>>& merges, std::vector<bool>& available);
  // Ids for one character: its piece, or its UTF-8 bytes.
  void append_char_ids(std::string_view character, std::vector<int>& ids) const;
  // BPE encoding of one unit; `unit` starts with a space when it carries the marker.
  std::vector<int> encode_unit(std::string_view unit) const;
  void check_id(int id) const;

  TokenizerMode mode_ = TokenizerMode::Bpe;
  std::vector<std::string> pieces_ = base_pieces();
  std::vector<std::pair<int, int>> merges_;  // (left id, right id), in rank order
  // Learned piece ids by spelling: open addressing with linear probing over a power-of-two table kept at most
  // half full; -1 marks a free slot. Keys are read from pieces_, so no piece is stored twice and lookups take
  // a string_view.
  std::vector<int> piece_slots_;
  std::unordered_map<uint64_t, MergeRule> merge_rules_;  // key: left id << 32 | right id
  mutable UnitCache unit_cache_;
};

}  // namespace attn
