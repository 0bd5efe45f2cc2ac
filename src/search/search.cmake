# The index stage: full-text search on Xapian, with Hunspell lemmas for Russian.

pkg_check_modules(XAPIAN REQUIRED IMPORTED_TARGET xapian-core)
pkg_check_modules(HUNSPELL REQUIRED IMPORTED_TARGET hunspell)

add_library(nd_search STATIC src/search/search.cc src/search/indexing.cc src/search/analysis.cc
  src/search/lemmatizer.cc src/search/query_text.cc src/search/follower.cc)
target_link_libraries(nd_search PUBLIC nd_common nd_store
  PRIVATE PkgConfig::XAPIAN PkgConfig::HUNSPELL ICU::uc fmt::fmt nlohmann_json::nlohmann_json Threads::Threads)

# The site serves search pages; serve follows the store; reindex rebuilds.
target_link_libraries(nd_web PUBLIC nd_search)
target_sources(newsdesk PRIVATE src/cli/reindex_command.cc)

if(BUILD_TESTING)
  nd_test(search_test SOURCES src/search/search_test.cc src/search/query_text_test.cc
          src/search/lemma_recall_test.cc src/search/follower_test.cc LIBS nd_search PkgConfig::XAPIAN PkgConfig::HUNSPELL)
endif()

add_executable(search_bench bench/search_bench.cc)
target_link_libraries(search_bench PRIVATE nd_search SQLite::SQLite3 nlohmann_json::nlohmann_json fmt::fmt)
