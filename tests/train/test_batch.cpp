#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "train/batch.h"

using attn::Batch;
using attn::TokenPair;

TEST_CASE("batches are padded time-major with masks", "[train][batch]") {
  const std::vector<TokenPair> pairs = {{{5, 6, 2}, {7, 2}}, {{8, 2}, {9, 10, 11, 2}}};
  const Batch batch = Batch::from_pairs(pairs);
  CHECK(batch.size == 2);
  CHECK(batch.source_length == 3);
  CHECK(batch.target_length == 4);
  CHECK(batch.target_tokens == 6);
  // (t, b) at t * B + b
  CHECK(batch.source_ids == std::vector<int>{5, 8, 6, 2, 2, 0});
  CHECK(batch.source_mask == std::vector<float>{1, 1, 1, 1, 1, 0});
  CHECK(batch.target_ids == std::vector<int>{7, 9, 2, 10, 0, 11, 0, 2});
  CHECK(batch.target_mask == std::vector<float>{1, 1, 1, 1, 0, 1, 0, 1});
  CHECK(batch.decoder_input(0, 1) == attn::Tokenizer::kBos);
  CHECK(batch.decoder_input(2, 1) == 10);
  CHECK_THROWS_AS(Batch::from_pairs(std::vector<TokenPair>{}), std::invalid_argument);
  CHECK_THROWS_AS(Batch::from_pairs(std::vector<TokenPair>{{{}, {2}}}), std::invalid_argument);
}

TEST_CASE("token-budget batches cover every pair once and respect the budget", "[train][batch]") {
  std::vector<TokenPair> pairs;
  for (int i = 0; i < 200; ++i)
    pairs.push_back({std::vector<int>(size_t(1 + i % 17), 2), std::vector<int>(size_t(1 + (i * 7) % 23), 2)});
  const int budget = 60;
  const auto batches = attn::make_batches(pairs, budget, 3);
  std::multiset<int> seen;
  for (const auto& b : batches) {
    size_t longest = 0;
    for (int i : b) {
      seen.insert(i);
      longest = std::max({longest, pairs[size_t(i)].source.size(), pairs[size_t(i)].target.size()});
    }
    CHECK((b.size() == 1 || b.size() * longest <= size_t(budget)));
  }
  CHECK(seen.size() == pairs.size());
  CHECK(std::set<int>(seen.begin(), seen.end()).size() == pairs.size());
  CHECK(attn::make_batches(pairs, budget, 3) == batches);
  CHECK(attn::make_batches(pairs, budget, 4) != batches);
}
