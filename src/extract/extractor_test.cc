#include "extract/extractor.h"

#include <gtest/gtest.h>

namespace newsdesk {
namespace {

TEST(ExtractArticle, Placeholder) { SUCCEED(); }

}  // namespace
}  // namespace newsdesk
