# The fetcher (libcurl) and the loopback fixture server its tests use.
add_library(nd_fetch STATIC src/ingest/fetcher.cc)
target_link_libraries(nd_fetch PUBLIC nd_common PRIVATE CURL::libcurl spdlog::spdlog Threads::Threads)

if(NEWSDESK_BUILD_TESTS)
  find_package(ZLIB REQUIRED)
  add_library(nd_fixture_server STATIC src/ingest/testing/fixture_server.cc)
  target_include_directories(nd_fixture_server PUBLIC src)
  target_link_libraries(nd_fixture_server PUBLIC fmt::fmt Threads::Threads PRIVATE ZLIB::ZLIB)
  nd_test(fetcher_test SOURCES src/ingest/fetcher_test.cc LIBS nd_fetch nd_fixture_server)
endif()
