// Synthetic data for the date-normalization model: human-readable English dates → ISO 8601 (YYYY-MM-DD).
// Calendar arithmetic is our own (proleptic Gregorian), never the C library's, so output is the same everywhere.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace attn {

struct CivilDate {
  int year = 1, month = 1, day = 1;
};

bool is_leap_year(int year);
int days_in_month(int year, int month);
// Days since 0001-01-01 (day 0); throws std::invalid_argument for an invalid date or a year outside 1..9999.
int64_t day_number(const CivilDate& date);
// Inverse of day_number; throws std::invalid_argument for a day number outside years 1..9999.
CivilDate date_from_day_number(int64_t day_number);
// 0 = Monday … 6 = Sunday.
int day_of_week(const CivilDate& date);

// "1979-03-05".
std::string iso_date(const CivilDate& date);

enum class LetterCase { Lower, Title, Upper };

// The input formats as CLDR-style patterns: M/MM month number, MMM/MMMM month name (short/full), d/dd day,
// yy/yyyy year, EEEE weekday name; other characters are literal. "MMMM d, yyyy" is listed twice, as in the
// specification of the data set, so it is drawn twice as often.
const std::vector<std::string>& date_formats();

// Renders `date` by `pattern` in Title case ("Monday, March 5, 1979"), then lower- or upper-cases it as asked.
// Throws std::invalid_argument for an invalid date or an unsupported pattern field.
std::string render_date(const CivilDate& date, std::string_view pattern, LetterCase letter_case);

struct DateExample {
  std::string iso;     // the target
  std::string human;   // the source
  std::string format;  // the pattern used, from date_formats()
};

// Dates drawn uniformly from 1950-01-01…2049-12-31 (the span two-digit years denote), formats and letter cases
// uniformly from their lists. The sequence depends only on the seed (splitmix64, no std distributions).
class DateGenerator {
 public:
  static constexpr CivilDate kFirstDate{1950, 1, 1};
  static constexpr CivilDate kLastDate{2049, 12, 31};

  explicit DateGenerator(uint64_t seed) : state_(seed) {}
  DateExample next();

 private:
  uint64_t next_random();
  uint64_t uniform_below(uint64_t bound);  // unbiased, by rejection

  uint64_t state_;
};

}  // namespace attn
