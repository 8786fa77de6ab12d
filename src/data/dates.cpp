#include "data/dates.h"

#include <array>
#include <stdexcept>

namespace attn {
namespace {

constexpr std::array<const char*, 12> kMonthNames = {"January", "February", "March",     "April",   "May",      "June",
                                                     "July",    "August",   "September", "October", "November", "December"};
constexpr std::array<const char*, 7> kWeekdayNames = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                                       "Friday", "Saturday", "Sunday"};

bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

void check_valid(const CivilDate& date) {
  if (date.year < 1 || date.year > 9999 || date.month < 1 || date.month > 12 || date.day < 1 ||
      date.day > days_in_month(date.year, date.month)) {
    throw std::invalid_argument("invalid date " + std::to_string(date.year) + "-" + std::to_string(date.month) + "-" +
                                std::to_string(date.day));
  }
}

// Days from 0001-01-01 to January 1 of `year`.
int64_t days_before_year(int64_t year) {
  const int64_t previous = year - 1;
  return 365 * previous + previous / 4 - previous / 100 + previous / 400;
}

std::string zero_padded(int value, int width) {
  std::string digits = std::to_string(value);
  if (static_cast<int>(digits.size()) < width) digits.insert(0, width - digits.size(), '0');
  return digits;
}

// One pattern field: `letter` repeated `width` times.
std::string render_field(const CivilDate& date, char letter, int width) {
  switch (letter) {
    case 'd':
      if (width <= 2) return zero_padded(date.day, width);
      break;
    case 'M':
      if (width <= 2) return zero_padded(date.month, width);
      if (width == 3) return std::string(kMonthNames[date.month - 1]).substr(0, 3);
      if (width == 4) return kMonthNames[date.month - 1];
      break;
    case 'y':
      if (width == 2) return zero_padded(date.year % 100, 2);
      if (width == 4) return zero_padded(date.year, 4);
      break;
    case 'E':
      if (width == 4) return kWeekdayNames[day_of_week(date)];
      break;
    default:
      break;
  }
  throw std::invalid_argument("unsupported date pattern field '" + std::string(width, letter) + "'");
}

}  // namespace

bool is_leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) throw std::invalid_argument("month " + std::to_string(month) + " outside 1..12");
  return kDays[month - 1] + (month == 2 && is_leap_year(year) ? 1 : 0);
}

int64_t day_number(const CivilDate& date) {
  check_valid(date);
  int64_t days = days_before_year(date.year);
  for (int month = 1; month < date.month; ++month) days += days_in_month(date.year, month);
  return days + date.day - 1;
}

CivilDate date_from_day_number(int64_t number) {
  if (number < 0 || number >= days_before_year(10000)) {
    throw std::invalid_argument("day number " + std::to_string(number) + " outside years 1..9999");
  }
  // A year has at most 366 days, so this starting year is never too late; a few steps forward find the right one.
  int64_t year = 1 + number / 366;
  while (days_before_year(year + 1) <= number) ++year;
  CivilDate date{static_cast<int>(year), 1, 1};
  int64_t remaining = number - days_before_year(year);
  while (remaining >= days_in_month(date.year, date.month)) remaining -= days_in_month(date.year, date.month++);
  date.day = static_cast<int>(remaining) + 1;
  return date;
}

int day_of_week(const CivilDate& date) { return static_cast<int>(day_number(date) % 7); }  // 0001-01-01: Monday

std::string iso_date(const CivilDate& date) {
  check_valid(date);
  return zero_padded(date.year, 4) + "-" + zero_padded(date.month, 2) + "-" + zero_padded(date.day, 2);
}

const std::vector<std::string>& date_formats() {
  static const std::vector<std::string> kFormats = {
      "M/d/yy",      "MMM d, yyyy",  "MMMM d, yyyy", "EEEE, MMMM d, yyyy", "d MMM yyyy",
      "d MMMM yyyy", "dd MMM yyyy",  "d MMM, yyyy",  "d MMMM, yyyy",       "dd, MMM yyyy",
      "d MM yy",     "MMMM d yyyy",  "MMMM d, yyyy", "dd.MM.yy"};
  return kFormats;
}

std::string render_date(const CivilDate& date, std::string_view pattern, LetterCase letter_case) {
  check_valid(date);
  std::string text;
  for (size_t i = 0; i < pattern.size();) {
    const char c = pattern[i];
    if (!is_ascii_letter(c)) {
      text.push_back(c);
      ++i;
      continue;
    }
    size_t end = i;
    while (end < pattern.size() && pattern[end] == c) ++end;
    text += render_field(date, c, static_cast<int>(end - i));
    i = end;
  }
  if (letter_case != LetterCase::Title) {
    // Plain ASCII case mapping: the locale-dependent <cctype> functions could differ between platforms.
    const int shift = letter_case == LetterCase::Lower ? 'a' - 'A' : 'A' - 'a';
    const char from_first = letter_case == LetterCase::Lower ? 'A' : 'a';
    for (char& c : text) {
      if (c >= from_first && c <= from_first + 25) c = static_cast<char>(c + shift);
    }
  }
  return text;
}

uint64_t DateGenerator::next_random() {
  // splitmix64 (Steele, Lea & Flood 2014).
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

uint64_t DateGenerator::uniform_below(uint64_t bound) {
  // Values below 2^64 mod bound would make the low residues more likely; redraw them.
  const uint64_t threshold = (0 - bound) % bound;
  uint64_t value;
  do {
    value = next_random();
  } while (value < threshold);
  return value % bound;
}

DateExample DateGenerator::next() {
  static const int64_t first = day_number(kFirstDate);
  static const int64_t span = day_number(kLastDate) - first + 1;
  const CivilDate date = date_from_day_number(first + static_cast<int64_t>(uniform_below(static_cast<uint64_t>(span))));
  const std::string& format = date_formats()[uniform_below(date_formats().size())];
  const auto letter_case = static_cast<LetterCase>(uniform_below(3));
  return {iso_date(date), render_date(date, format, letter_case), format};
}

}  // namespace attn
