#include "extract/language.h"

#include <gtest/gtest.h>

namespace newsdesk {
namespace {

TEST(DetectLanguage, Placeholder) { SUCCEED(); }

}  // namespace
}  // namespace newsdesk
