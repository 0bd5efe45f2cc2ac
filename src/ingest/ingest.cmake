# The ingest stage: feeds (pugixml) now; the fetcher and extractor join here.
# Included from the top-level CMakeLists.txt, which defines nd_common and,
# when tests are built, nd_test().

# --- feeds: RSS, Atom and JSON Feed parsing ----------------------------------
add_library(nd_feed STATIC src/ingest/feed.cc src/ingest/feed_markup.cc)
target_link_libraries(nd_feed PUBLIC nd_common PRIVATE pugixml::pugixml)

if(BUILD_TESTING)
  nd_test(feed_test SOURCES src/ingest/feed_test.cc LIBS nd_feed)

  # The feed parser's libFuzzer target, run briefly (clang, built outside CMake).
  add_test(NAME fuzz_feed COMMAND bash ${CMAKE_SOURCE_DIR}/fuzz/run.sh feed 20)
  set_tests_properties(fuzz_feed PROPERTIES TIMEOUT 300)
endif()
