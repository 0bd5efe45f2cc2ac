# The readers stage (issue 6): accounts, sessions, CSRF, comments, views.
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
find_library(CMARK_GFM_LIBRARY NAMES cmark-gfm REQUIRED)
find_library(CMARK_GFM_EXTENSIONS_LIBRARY NAMES cmark-gfm-extensions REQUIRED)

add_library(nd_readers STATIC src/readers/accounts.cc src/readers/comments.cc src/readers/crypto.cc
  src/readers/markdown.cc src/readers/view_counter.cc src/readers/pre_session.cc)
target_link_libraries(nd_readers PUBLIC nd_common nd_store
  PRIVATE PkgConfig::SODIUM ${CMARK_GFM_EXTENSIONS_LIBRARY} ${CMARK_GFM_LIBRARY} ICU::uc fmt::fmt)

target_sources(newsdesk PRIVATE src/cli/user_command.cc)
target_link_libraries(newsdesk PRIVATE nd_readers)

if(BUILD_TESTING)
  nd_test(readers_test SOURCES src/readers/accounts_test.cc src/readers/comments_test.cc
          src/readers/readers_config_test.cc LIBS nd_readers BOTH_BACKENDS)
endif()
