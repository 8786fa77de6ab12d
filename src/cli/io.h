// File helpers for the CLI (the library itself never touches the file system).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace attn::cli {

// Throws std::runtime_error naming the path and the OS reason.
std::vector<uint8_t> read_file(const std::string& path);
// Writes to PATH.tmp, flushes, then renames over PATH, so a crash never leaves a half-written file.
void write_file_atomic(const std::string& path, const std::vector<uint8_t>& bytes);

}  // namespace attn::cli
