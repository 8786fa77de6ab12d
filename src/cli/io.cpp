#include "cli/io.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include <unistd.h>

namespace attn::cli {
namespace {

std::runtime_error os_error(const std::string& action, const std::string& path) {
  return std::runtime_error("cannot " + action + " '" + path + "': " + std::strerror(errno));
}

}  // namespace

std::vector<uint8_t> read_file(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) throw os_error("open", path);
  std::vector<uint8_t> bytes;
  uint8_t buffer[1 << 16];
  size_t got;
  while ((got = std::fread(buffer, 1, sizeof buffer, file)) > 0) bytes.insert(bytes.end(), buffer, buffer + got);
  const bool failed = std::ferror(file);
  std::fclose(file);
  if (failed) throw os_error("read", path);
  return bytes;
}

void write_file_atomic(const std::string& path, const std::vector<uint8_t>& bytes) {
  const std::string temporary = path + ".tmp";
  std::FILE* file = std::fopen(temporary.c_str(), "wb");
  if (!file) throw os_error("create", temporary);
  const bool written = std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size() && std::fflush(file) == 0 &&
                       fsync(fileno(file)) == 0;
  const int write_errno = errno;
  const bool closed = std::fclose(file) == 0;
  if (!written || !closed) {
    errno = written ? errno : write_errno;
    std::remove(temporary.c_str());
    throw os_error("write", temporary);
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::runtime_error error = os_error("rename onto", path);
    std::remove(temporary.c_str());
    throw error;
  }
}

}  // namespace attn::cli
