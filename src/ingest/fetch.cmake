# The fetcher (libcurl) and the loopback fixture server its tests use.
add_library(nd_fetch STATIC src/ingest/fetcher.cc)
target_link_libraries(nd_fetch PUBLIC nd_common PRIVATE CURL::libcurl spdlog::spdlog Threads::Threads)

# The pipeline: feed → pages → extraction → store, the scheduler, OPML.
add_library(nd_ingest STATIC src/ingest/ingest.cc)
target_link_libraries(nd_ingest PUBLIC nd_fetch nd_feed nd_extract nd_store nd_mentions PRIVATE spdlog::spdlog pugixml::pugixml)
target_sources(newsdesk PRIVATE src/cli/source_commands.cc)
target_link_libraries(newsdesk PRIVATE nd_ingest)

if(BUILD_TESTING)
  find_package(ZLIB REQUIRED)
  add_library(nd_fixture_server STATIC src/ingest/testing/fixture_server.cc)
  target_include_directories(nd_fixture_server PUBLIC src)
  target_link_libraries(nd_fixture_server PUBLIC fmt::fmt Threads::Threads PRIVATE ZLIB::ZLIB)
  nd_test(fetcher_test SOURCES src/ingest/fetcher_test.cc LIBS nd_fetch nd_fixture_server)
  nd_test(ingest_test SOURCES src/ingest/ingest_test.cc LIBS nd_ingest nd_fixture_server BOTH_BACKENDS)
  add_test(NAME ingest_cli_test COMMAND bash ${CMAKE_SOURCE_DIR}/tests/ingest_cli_test.sh $<TARGET_FILE:newsdesk>)
  set_tests_properties(ingest_cli_test PROPERTIES TIMEOUT 120)
endif()
