# Publishing outward (issue 17, part 3): the WebSub and IndexNow pings,
# jobs `newsdesk serve` queues as articles are published.
add_library(nd_publish STATIC src/publish/pings.cc)
target_link_libraries(nd_publish PUBLIC nd_fetch nd_store nd_common PRIVATE fmt::fmt nlohmann_json::nlohmann_json)
target_link_libraries(newsdesk PRIVATE nd_publish)

if(BUILD_TESTING)
  # Real loopback hubs and IndexNow endpoints (the fetcher's fixture server),
  # and the served site for /{key}.txt.
  nd_test(publish_test SOURCES src/publish/pings_test.cc src/web/test_client.cc
          LIBS nd_publish nd_jobs nd_server nd_fixture_server BOTH_BACKENDS)
  # serve with a recording hub and IndexNow endpoint: an import's pings arrive as a job.
  add_test(NAME publish_pings_e2e_test COMMAND bash ${CMAKE_SOURCE_DIR}/tests/publish_pings_e2e_test.sh
           $<TARGET_FILE:newsdesk> ${CMAKE_SOURCE_DIR})
  set_tests_properties(publish_pings_e2e_test PROPERTIES TIMEOUT 120)
endif()
