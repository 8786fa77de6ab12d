#include <catch2/catch.hpp>

#include <map>
#include <regex>
#include <set>
#include <stdexcept>

#include "data/dates.h"

using attn::CivilDate;
using attn::LetterCase;

namespace {

// Zeller's congruence, independent of the library's day counting; 0 = Monday … 6 = Sunday.
int zeller_weekday(int year, int month, int day) {
  if (month < 3) month += 12, year -= 1;
  const int h = (day + 13 * (month + 1) / 5 + year % 100 + year % 100 / 4 + year / 100 / 4 + 5 * (year / 100)) % 7;
  return (h + 5) % 7;  // Zeller: 0 = Saturday
}

const std::vector<std::string> kMonths = {"january", "february", "march",     "april",   "may",      "june",
                                          "july",    "august",   "september", "october", "november", "december"};
const std::vector<std::string> kWeekdays = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                                            "sunday"};

bool leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int month_length(int year, int month) {
  const int lengths[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return lengths[month - 1] + (month == 2 && leap(year));
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// A parser written independently of the renderer: the format label becomes a regular expression with one group
// per field, and the fields are read back into a date (checked for validity and a matching weekday).
struct ParsedDate {
  int year = 0, month = 0, day = 0;
};

ParsedDate parse_human_date(const std::string& human, const std::string& format) {
  std::string expression;
  std::vector<std::string> fields;
  for (size_t i = 0; i < format.size();) {
    size_t end = i;
    while (end < format.size() && format[end] == format[i]) ++end;
    const std::string field = format.substr(i, end - i);
    if (std::isalpha(static_cast<unsigned char>(format[i]))) {
      static const std::map<std::string, std::string> kFieldExpressions = {
          {"d", "([1-9]|[12][0-9]|3[01])"}, {"dd", "(0[1-9]|[12][0-9]|3[01])"}, {"M", "([1-9]|1[0-2])"},
          {"MM", "(0[1-9]|1[0-2])"},        {"MMM", "([a-z]{3})"},             {"MMMM", "([a-z]+)"},
          {"yy", "([0-9]{2})"},             {"yyyy", "([0-9]{4})"},            {"EEEE", "([a-z]+)"}};
      expression += kFieldExpressions.at(field);
      fields.push_back(field);
    } else {
      for (char c : field) expression += std::string("\\") + c;
    }
    i = end;
  }
  std::smatch match;
  const std::string text = lower(human);
  static std::map<std::string, std::regex> compiled;  // building a std::regex is slow; reuse one per format
  const auto entry = compiled.try_emplace(format, expression).first;
  if (!std::regex_match(text, match, entry->second)) throw std::runtime_error("no match: " + human);
  ParsedDate date;
  int weekday = -1;
  for (size_t f = 0; f < fields.size(); ++f) {
    const std::string value = match[f + 1];
    const char kind = fields[f][0];
    if (kind == 'd') date.day = std::stoi(value);
    if (kind == 'y') date.year = fields[f].size() == 2 ? (std::stoi(value) < 50 ? 2000 : 1900) + std::stoi(value)
                                                      : std::stoi(value);
    if (kind == 'M' && fields[f].size() <= 2) date.month = std::stoi(value);
    for (size_t m = 0; kind == 'M' && fields[f].size() > 2 && m < kMonths.size(); ++m) {
      if (value == (fields[f].size() == 3 ? kMonths[m].substr(0, 3) : kMonths[m])) date.month = static_cast<int>(m) + 1;
    }
    for (size_t w = 0; kind == 'E' && w < kWeekdays.size(); ++w) {
      if (value == kWeekdays[w]) weekday = static_cast<int>(w);
    }
    if (kind == 'E' && weekday < 0) throw std::runtime_error("bad weekday in " + human);
  }
  if (date.month == 0) throw std::runtime_error("bad month in " + human);
  if (date.day > month_length(date.year, date.month)) throw std::runtime_error("no such day: " + human);
  if (weekday >= 0 && weekday != zeller_weekday(date.year, date.month, date.day)) {
    throw std::runtime_error("wrong weekday: " + human);
  }
  return date;
}

ParsedDate parse_iso(const std::string& iso) {
  static const std::regex kIsoDate("[0-9]{4}-[0-9]{2}-[0-9]{2}");
  REQUIRE(std::regex_match(iso, kIsoDate));
  return {std::stoi(iso.substr(0, 4)), std::stoi(iso.substr(5, 2)), std::stoi(iso.substr(8, 2))};
}

enum class ObservedCase { Lower, Title, Upper, Mixed };

// Names are at least three letters long, so the three cases cannot be confused with each other.
ObservedCase letter_case_of(const std::string& text) {
  bool all_lower = true, all_upper = true, all_title = true;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (!std::isalpha(c)) continue;
    const bool starts_word = i == 0 || !std::isalpha(static_cast<unsigned char>(text[i - 1]));
    all_lower &= std::islower(c) != 0;
    all_upper &= std::isupper(c) != 0;
    all_title &= (starts_word ? std::isupper(c) : std::islower(c)) != 0;
  }
  if (all_lower) return ObservedCase::Lower;
  if (all_upper) return ObservedCase::Upper;
  return all_title ? ObservedCase::Title : ObservedCase::Mixed;
}

}  // namespace

TEST_CASE("every format renders 1979-03-05 (a Monday) correctly", "[dates]") {
  const CivilDate date{1979, 3, 5};
  const std::vector<std::string> expected = {
      "3/5/79",      "Mar 5, 1979",  "March 5, 1979", "Monday, March 5, 1979", "5 Mar 1979",
      "5 March 1979", "05 Mar 1979", "5 Mar, 1979",   "5 March, 1979",         "05, Mar 1979",
      "5 03 79",     "March 5 1979", "March 5, 1979", "05.03.79"};
  REQUIRE(attn::date_formats().size() == 14);
  for (size_t f = 0; f < expected.size(); ++f) {
    CHECK(attn::render_date(date, attn::date_formats()[f], LetterCase::Title) == expected[f]);
  }
  CHECK(attn::render_date(date, "EEEE, MMMM d, yyyy", LetterCase::Lower) == "monday, march 5, 1979");
  CHECK(attn::render_date(date, "EEEE, MMMM d, yyyy", LetterCase::Upper) == "MONDAY, MARCH 5, 1979");
  CHECK(attn::render_date({2049, 12, 31}, "dd.MM.yy", LetterCase::Upper) == "31.12.49");
  CHECK(attn::render_date({2001, 9, 30}, "MMM d, yyyy", LetterCase::Upper) == "SEP 30, 2001");
  CHECK(attn::iso_date(date) == "1979-03-05");
}

TEST_CASE("weekdays are computed correctly", "[dates]") {
  CHECK(attn::day_of_week({1979, 3, 5}) == 0);    // Monday
  CHECK(attn::day_of_week({1950, 1, 1}) == 6);    // Sunday
  CHECK(attn::day_of_week({1969, 7, 20}) == 6);   // Sunday
  CHECK(attn::day_of_week({2000, 1, 1}) == 5);    // Saturday
  CHECK(attn::day_of_week({2000, 2, 29}) == 1);   // Tuesday
  CHECK(attn::day_of_week({2024, 2, 29}) == 3);   // Thursday
  CHECK(attn::day_of_week({2049, 12, 31}) == 4);  // Friday
}

TEST_CASE("calendar arithmetic counts days exactly", "[dates]") {
  CHECK(attn::day_number({1, 1, 1}) == 0);
  CHECK(attn::day_number({1979, 3, 5}) == 722512);  // Python: date(1979, 3, 5).toordinal() - 1
  CHECK(attn::day_number({2049, 12, 31}) - attn::day_number({1950, 1, 1}) + 1 == 36525);
  CHECK(attn::is_leap_year(2000));
  CHECK_FALSE(attn::is_leap_year(1900));
  CHECK(attn::days_in_month(1900, 2) == 28);
  CHECK(attn::days_in_month(2000, 2) == 29);
  // Walk every day of the range: day numbers are consecutive and weekdays agree with Zeller's congruence.
  int64_t expected_number = attn::day_number({1950, 1, 1});
  for (int year = 1950; year <= 2049; ++year) {
    for (int month = 1; month <= 12; ++month) {
      for (int day = 1; day <= month_length(year, month); ++day, ++expected_number) {
        const CivilDate date = attn::date_from_day_number(expected_number);
        REQUIRE(date.year == year);
        REQUIRE(date.month == month);
        REQUIRE(date.day == day);
        REQUIRE(attn::day_number(date) == expected_number);
        REQUIRE(attn::day_of_week(date) == zeller_weekday(year, month, day));
      }
    }
  }
}

TEST_CASE("invalid dates and patterns are rejected", "[dates]") {
  CHECK_THROWS_AS(attn::day_number({1900, 2, 29}), std::invalid_argument);
  CHECK_THROWS_AS(attn::day_number({2000, 13, 1}), std::invalid_argument);
  CHECK_THROWS_AS(attn::day_number({0, 1, 1}), std::invalid_argument);
  CHECK_THROWS_AS(attn::iso_date({2001, 4, 31}), std::invalid_argument);
  CHECK_THROWS_AS(attn::date_from_day_number(-1), std::invalid_argument);
  CHECK_THROWS_AS(attn::date_from_day_number(INT64_MAX), std::invalid_argument);
  CHECK_THROWS_AS(attn::render_date({2000, 1, 1}, "yyy", LetterCase::Title), std::invalid_argument);
  CHECK_THROWS_AS(attn::render_date({2000, 1, 1}, "Q", LetterCase::Title), std::invalid_argument);
}

TEST_CASE("generated dates parse back to their ISO targets", "[dates]") {
  attn::DateGenerator generator(2024);
  for (int i = 0; i < 5000; ++i) {
    const attn::DateExample example = generator.next();
    INFO(example.iso << " | " << example.human << " | " << example.format);
    const ParsedDate parsed = parse_human_date(example.human, example.format);
    const ParsedDate target = parse_iso(example.iso);
    REQUIRE(parsed.year == target.year);
    REQUIRE(parsed.month == target.month);
    REQUIRE(parsed.day == target.day);
    REQUIRE(letter_case_of(example.human) != ObservedCase::Mixed);
  }
}

TEST_CASE("generated dates cover years, formats and letter cases evenly", "[dates]") {
  attn::DateGenerator generator(7);
  const int samples = 28000;
  std::map<int, int> years;
  std::map<std::string, int> formats;
  std::map<ObservedCase, int> cases;
  std::set<std::pair<int, int>> month_days;
  for (int i = 0; i < samples; ++i) {
    const attn::DateExample example = generator.next();
    const ParsedDate date = parse_iso(example.iso);
    ++years[date.year];
    ++formats[example.format];
    month_days.insert({date.month, date.day});
    // Only formats with a month or weekday name show their case.
    if (example.format.find("MMM") != std::string::npos) ++cases[letter_case_of(example.human)];
  }
  REQUIRE(years.size() == 100);
  CHECK(years.begin()->first == 1950);
  CHECK(years.rbegin()->first == 2049);
  for (const auto& [year, count] : years) CHECK(count > samples / 100 / 2);
  CHECK(month_days.size() == 366);  // every calendar day, 29 February included
  REQUIRE(formats.size() == 13);    // 14 entries, one listed twice
  for (const auto& [format, count] : formats) {
    const int expected = samples / 14 * (format == "MMMM d, yyyy" ? 2 : 1);
    CHECK(count > expected * 8 / 10);
    CHECK(count < expected * 12 / 10);
  }
  REQUIRE(cases.size() == 3);
  REQUIRE(cases.count(ObservedCase::Mixed) == 0);
  int with_names = 0;
  for (const auto& entry : cases) with_names += entry.second;
  for (const auto& entry : cases) CHECK(entry.second > with_names / 3 * 8 / 10);
}

TEST_CASE("generation is deterministic per seed and differs between seeds", "[dates]") {
  const auto sample = [](uint64_t seed) {
    attn::DateGenerator generator(seed);
    std::vector<std::string> lines;
    for (int i = 0; i < 200; ++i) {
      const attn::DateExample example = generator.next();
      lines.push_back(example.iso + "\t" + example.human + "\t" + example.format);
    }
    return lines;
  };
  CHECK(sample(1) == sample(1));
  CHECK(sample(0) == sample(0));
  CHECK(sample(1) != sample(2));
  CHECK(sample(0) != sample(UINT64_MAX));
}
