// The tokenizer's serialized form (Tokenizer::to_json / from_json; see models/FORMAT.md).
//
// from_json runs on every model load, in the browser too, so it reads the document with a small strict JSON
// reader made for its one shape instead of building a DOM: strings are copied in runs straight into the
// vocabulary, error text is built only when a problem is found, and every check of the format stays.
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "text/normalize.h"
#include "text/tokenizer.h"
#include "text/utf8.h"

namespace attn {

namespace {

constexpr std::string_view kMarker = Tokenizer::kWordMarker;

[[noreturn]] void fail_json(const std::string& problem) { throw std::runtime_error("tokenizer JSON: " + problem); }

// The text quoted for an error message, control characters escaped as in JSON ("\u0000"): a raw NUL would end
// the message early, a raw line break would split it.
std::string in_quotes(std::string_view text) {
  constexpr char kHexDigits[] = "0123456789abcdef";
  std::string quoted = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) {
      quoted += "\\u00";
      quoted += kHexDigits[byte >> 4];
      quoted += kHexDigits[byte & 0xF];
    } else {
      quoted += c;
    }
  }
  return quoted + "\"";
}

std::string item_name(const char* array, size_t index) {
  return std::string(array) + "[" + std::to_string(index) + "]";
}

bool is_upper_hex_digit(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'); }

// True for the names of the implicit pieces: <pad>, <s>, </s> and <0x00>..<0xFF>.
bool is_base_piece_name(const std::string& piece) {
  if (piece.empty() || piece[0] != '<') return false;
  if (piece == "<pad>" || piece == "<s>" || piece == "</s>") return true;
  return piece.size() == 6 && piece.compare(0, 3, "<0x") == 0 && is_upper_hex_digit(piece[3]) &&
         is_upper_hex_digit(piece[4]) && piece[5] == '>';
}

// Bytes in the UTF-8 sequence that starts with `lead` (which must start a valid one).
size_t utf8_sequence_length(char lead) {
  const auto byte = static_cast<unsigned char>(lead);
  return byte < 0x80 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4;
}

// Why a learned piece is unacceptable, or nullptr when it is fine (a literal, so a good piece allocates nothing).
// Strings are valid UTF-8: read_string checks their bytes, and escapes can only produce valid UTF-8.
const char* piece_problem(const std::string& piece, TokenizerMode mode) {
  if (piece.empty()) return "is empty";
  if (is_base_piece_name(piece)) return "is the name of a special or byte piece";
  size_t characters = 0;
  for (size_t pos = 0; pos < piece.size(); ++characters) {
    const auto byte = static_cast<unsigned char>(piece[pos]);
    if (byte < 0x80) {  // among ASCII, exactly 0x00-0x20 and 0x7F are whitespace or control characters
      if (byte <= 0x20 || byte == 0x7F) return "contains whitespace or a control character";
      ++pos;
      continue;
    }
    if (piece.compare(pos, kMarker.size(), kMarker) == 0) {  // the commonest non-ASCII character, cheaply
      if (mode == TokenizerMode::Bpe && characters > 0) return "has \"▁\" after its first character";
      pos += kMarker.size();
      continue;
    }
    const DecodedChar decoded = decode_utf8_char(piece, pos);
    if (is_space_char(decoded.code) || is_ignorable_char(decoded.code)) {
      return "contains whitespace or a control character";
    }
    pos += decoded.length;
  }
  if (mode == TokenizerMode::Char && characters != 1) return "is not a single character (char mode)";
  return nullptr;
}

// Reads JSON tokens. Only strings are ever decoded: any other value where the tokenizer document needs a string
// or an array is reported by the caller as a value of the wrong kind.
class JsonCursor {
 public:
  explicit JsonCursor(std::string_view text) : text_(text) {}

  // The next character after whitespace, or '\0' at the end of the text.
  char peek() {
    while (pos_ < text_.size() && is_json_space(text_[pos_])) ++pos_;
    return pos_ < text_.size() ? text_[pos_] : '\0';
  }
  bool at_end() { return peek() == '\0' && pos_ == text_.size(); }
  // Consumes `c` if it comes next.
  bool accept(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  void expect(char c) {
    if (!accept(c)) syntax_error(std::string("expected '") + c + "'");
  }
  void expect_end() {
    if (!at_end()) syntax_error("unexpected text after the object");
  }

  // Reads a string (the next token must be one) into `out`, replacing its contents.
  void read_string(std::string& out) {
    expect('"');
    out.clear();
    for (;;) {
      const size_t run = pos_;
      bool ascii = true;
      for (; pos_ < text_.size() && is_plain_string_byte(text_[pos_]); ++pos_) {
        ascii = ascii && static_cast<unsigned char>(text_[pos_]) < 0x80;
      }
      // A run ends at an ASCII byte, so it holds whole characters; most runs are ASCII and need no check.
      if (!ascii && !is_valid_utf8(text_.substr(run, pos_ - run))) syntax_error("invalid UTF-8 in a string");
      out.append(text_, run, pos_ - run);
      if (pos_ == text_.size()) syntax_error("unterminated string");
      const char next = text_[pos_];
      if (next == '"') {
        ++pos_;
        return;
      }
      if (next != '\\') syntax_error("unescaped control character in a string");
      ++pos_;
      read_escape(out);
    }
  }

  [[noreturn]] void syntax_error(const std::string& problem) const {
    fail_json("not valid JSON: " + problem + " at byte " + std::to_string(pos_));
  }

 private:
  static bool is_json_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
  static bool is_plain_string_byte(char c) { return c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20; }

  // After a backslash.
  void read_escape(std::string& out) {
    if (pos_ == text_.size()) syntax_error("unterminated string");
    const char kind = text_[pos_++];
    switch (kind) {
      case '"': case '\\': case '/': out.push_back(kind); return;
      case 'b': out.push_back('\b'); return;
      case 'f': out.push_back('\f'); return;
      case 'n': out.push_back('\n'); return;
      case 'r': out.push_back('\r'); return;
      case 't': out.push_back('\t'); return;
      case 'u': append_utf8(out, read_escaped_code_point()); return;
      default: --pos_; syntax_error("invalid escape in a string");
    }
  }

  // After "\u": one code point, from a surrogate pair when it takes two escapes.
  char32_t read_escaped_code_point() {
    const char32_t code = read_hex4();
    if (code >= 0xDC00 && code <= 0xDFFF) syntax_error("unpaired surrogate escape");
    if (code < 0xD800 || code > 0xDBFF) return code;
    if (text_.compare(pos_, 2, "\\u") != 0) syntax_error("unpaired surrogate escape");
    pos_ += 2;
    const char32_t low = read_hex4();
    if (low < 0xDC00 || low > 0xDFFF) syntax_error("unpaired surrogate escape");
    return 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
  }

  char32_t read_hex4() {
    char32_t code = 0;
    for (int digit = 0; digit < 4; ++digit, ++pos_) {
      const char c = pos_ < text_.size() ? text_[pos_] : '\0';
      const int value = c >= '0' && c <= '9' ? c - '0'
                        : c >= 'a' && c <= 'f' ? c - 'a' + 10
                        : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                               : -1;
      if (value < 0) syntax_error("expected four hex digits after \\u");
      code = code * 16 + static_cast<char32_t>(value);
    }
    return code;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

// A value of the wrong kind where `message` says what was expected; at the end of the text, truncated JSON.
[[noreturn]] void wrong_kind(JsonCursor& cursor, const std::string& message) {
  if (cursor.at_end()) cursor.syntax_error("unexpected end of text");
  fail_json(message);
}

// The document as written, before its contents are checked.
struct TokenizerDocument {
  bool has_mode = false, has_pieces = false, has_merges = false;
  std::string mode;
  std::vector<std::string> pieces;
  std::vector<std::pair<std::string, std::string>> merges;
};

// The per-item loops below run out of line, in frames that own nothing: in the wasm build (JavaScript-based
// exceptions) a call made while a local with a destructor is alive goes through a JavaScript trampoline.
[[gnu::noinline]] void read_pieces(JsonCursor& cursor, std::vector<std::string>& pieces) {
  if (cursor.peek() != '[') wrong_kind(cursor, "\"pieces\" must be an array");
  cursor.expect('[');
  if (cursor.accept(']')) return;
  do {
    if (cursor.peek() != '"') wrong_kind(cursor, item_name("pieces", pieces.size()) + " must be a string");
    cursor.read_string(pieces.emplace_back());
  } while (cursor.accept(','));
  cursor.expect(']');
}

[[gnu::noinline]] void read_merges(JsonCursor& cursor, std::vector<std::pair<std::string, std::string>>& merges) {
  if (cursor.peek() != '[') wrong_kind(cursor, "\"merges\" must be an array");
  cursor.expect('[');
  if (cursor.accept(']')) return;
  do {
    const size_t index = merges.size();
    const auto expect_next = [&](char c) {
      if (cursor.peek() != c) wrong_kind(cursor, item_name("merges", index) + " must be a pair of strings");
    };
    expect_next('[');
    cursor.expect('[');
    auto& [left, right] = merges.emplace_back();
    expect_next('"');
    cursor.read_string(left);
    expect_next(',');
    cursor.expect(',');
    expect_next('"');
    cursor.read_string(right);
    expect_next(']');
    cursor.expect(']');
  } while (cursor.accept(','));
  cursor.expect(']');
}

TokenizerDocument read_document(std::string_view json) {
  JsonCursor cursor(json);
  if (cursor.peek() != '{') wrong_kind(cursor, "expected an object");
  cursor.expect('{');
  TokenizerDocument document;
  if (!cursor.accept('}')) {
    std::string name;
    do {
      if (cursor.peek() != '"') cursor.syntax_error("expected a field name");
      cursor.read_string(name);
      cursor.expect(':');
      bool* seen = name == "mode"     ? &document.has_mode
                   : name == "pieces" ? &document.has_pieces
                   : name == "merges" ? &document.has_merges
                                      : nullptr;
      if (seen == nullptr) fail_json("unknown field " + in_quotes(name));
      if (*seen) fail_json("duplicate field " + in_quotes(name));
      *seen = true;
      if (name == "mode") {
        if (cursor.peek() != '"') wrong_kind(cursor, "\"mode\" must be \"bpe\" or \"char\"");
        cursor.read_string(document.mode);
      } else if (name == "pieces") {
        read_pieces(cursor, document.pieces);
      } else {
        read_merges(cursor, document.merges);
      }
    } while (cursor.accept(','));
    cursor.expect('}');
  }
  cursor.expect_end();
  return document;
}

}  // namespace

std::string Tokenizer::to_json() const {
  nlohmann::ordered_json root;
  root["mode"] = mode_ == TokenizerMode::Bpe ? "bpe" : "char";
  root["pieces"] = std::vector<std::string>(pieces_.begin() + kFirstLearned, pieces_.end());
  nlohmann::ordered_json merges = nlohmann::ordered_json::array();
  for (const auto& [left, right] : merges_) {
    merges.push_back({pieces_[static_cast<size_t>(left)], pieces_[static_cast<size_t>(right)]});
  }
  root["merges"] = std::move(merges);
  return root.dump();
}

Tokenizer Tokenizer::from_json(const std::string& json) {
  TokenizerDocument document = read_document(json);
  for (const auto& [present, field] : {std::pair{document.has_mode, "mode"}, std::pair{document.has_pieces, "pieces"},
                                       std::pair{document.has_merges, "merges"}}) {
    if (!present) fail_json(std::string("missing field \"") + field + "\"");
  }

  Tokenizer tokenizer;
  if (document.mode == "bpe") {
    tokenizer.mode_ = TokenizerMode::Bpe;
  } else if (document.mode == "char") {
    tokenizer.mode_ = TokenizerMode::Char;
  } else {
    fail_json("\"mode\" must be \"bpe\" or \"char\"");
  }

  tokenizer.add_json_pieces(document.pieces);
  if (tokenizer.mode_ == TokenizerMode::Char && !document.merges.empty()) {
    fail_json("\"merges\" must be empty in char mode");
  }
  std::vector<bool> available;
  tokenizer.add_json_merges(document.merges, available);
  return tokenizer;
}

[[gnu::noinline]] void Tokenizer::add_json_pieces(std::vector<std::string>& pieces) {
  pieces_.reserve(kFirstLearned + pieces.size());
  reindex_pieces(pieces.size());
  for (size_t i = 0; i < pieces.size(); ++i) {
    if (const char* problem = piece_problem(pieces[i], mode_)) {
      fail_json(item_name("pieces", i) + " " + in_quotes(pieces[i]) + " " + problem);
    }
    if (find_piece(pieces[i]) >= 0) fail_json(item_name("pieces", i) + " " + in_quotes(pieces[i]) + " is a duplicate");
    pieces_.push_back(std::move(pieces[i]));
    index_last_piece();
  }
}

[[gnu::noinline]] void Tokenizer::add_json_merges(const std::vector<std::pair<std::string, std::string>>& merges,
                                                  std::vector<bool>& available) {
  // Single characters exist from the start; longer pieces only once the merge that creates them has run.
  available.assign(pieces_.size(), false);
  for (size_t id = kFirstLearned; id < pieces_.size(); ++id) {
    available[id] = utf8_sequence_length(pieces_[id][0]) == pieces_[id].size();
  }
  merges_.reserve(merges.size());
  merge_rules_.reserve(merges.size());
  for (size_t i = 0; i < merges.size(); ++i) {
    const auto& [left, right] = merges[i];
    int parts[2];
    for (int side = 0; side < 2; ++side) {
      const std::string& part = side == 0 ? left : right;
      parts[side] = find_piece(part);
      if (parts[side] < 0) fail_json(item_name("merges", i) + ": " + in_quotes(part) + " is not a piece");
      if (!available[static_cast<size_t>(parts[side])]) {
        fail_json(item_name("merges", i) + ": " + in_quotes(part) + " is used before the merge that creates it");
      }
    }
    const int result = find_piece(left, right);
    if (result < 0) fail_json(item_name("merges", i) + ": result " + in_quotes(left + right) + " is not a piece");
    if (!add_merge(parts[0], parts[1], result)) fail_json(item_name("merges", i) + " repeats an earlier merge");
    available[static_cast<size_t>(result)] = true;
  }
  for (size_t id = kFirstLearned; id < pieces_.size(); ++id) {
    if (!available[id]) {
      fail_json(item_name("pieces", id - kFirstLearned) + " " + in_quotes(pieces_[id]) +
                " is neither a single character nor the result of a merge");
    }
  }
}

}  // namespace attn
