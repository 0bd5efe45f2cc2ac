// common/testing/matchers.h: matchers the tests share.
#pragma once

#include <gmock/gmock.h>

#include <initializer_list>
#include <string>
#include <vector>

namespace newsdesk::testing {

// HasSubstrs matches a string that holds every one of `parts`, so that a page
// test lists what the page must show instead of repeating one expectation a
// line; a failure names each part it looked for.
inline ::testing::Matcher<const std::string&> HasSubstrs(std::initializer_list<std::string> parts) {
  std::vector<::testing::Matcher<const std::string&>> each;
  for (const auto& p : parts) each.push_back(::testing::HasSubstr(p));
  return ::testing::AllOfArray(each);
}

// LacksSubstrs matches a string that holds none of `parts`.
inline ::testing::Matcher<const std::string&> LacksSubstrs(std::initializer_list<std::string> parts) {
  std::vector<::testing::Matcher<const std::string&>> each;
  for (const auto& p : parts) each.push_back(::testing::Not(::testing::HasSubstr(p)));
  return ::testing::AllOfArray(each);
}

}  // namespace newsdesk::testing
