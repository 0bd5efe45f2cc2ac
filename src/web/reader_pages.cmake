# The readers' pages (issue 6) over real HTTP, with a real SMTP server.
if(BUILD_TESTING)
  nd_test(reader_pages_test SOURCES src/web/reader_pages_test.cc src/web/test_client.cc LIBS nd_server nd_import BOTH_BACKENDS)
  target_compile_definitions(reader_pages_test PRIVATE ND_SYSTEM_PYTHON="${ND_SYSTEM_PYTHON}")
  # The editors' translation API (issue 9) over real HTTP.
  nd_test(translation_api_test SOURCES src/web/translation_api_test.cc src/web/test_client.cc LIBS nd_server)
  add_test(NAME readers_cli_test COMMAND bash ${CMAKE_SOURCE_DIR}/tests/readers_cli_test.sh $<TARGET_FILE:newsdesk>)
  set_tests_properties(readers_cli_test PROPERTIES TIMEOUT 120)
endif()

# bench/comments: the data generator (run.sh builds and uses it).
add_executable(comments_gen bench/comments/generate.cc)
target_link_libraries(comments_gen PRIVATE nd_readers nd_store fmt::fmt)

# The editors' desk (issue 16) over real HTTP, with a loopback outlet.
if(BUILD_TESTING)
  nd_test(desk_test SOURCES src/web/desk_test.cc src/web/test_client.cc LIBS nd_server nd_ingest nd_fixture_server BOTH_BACKENDS)
  nd_test(desk_articles_test SOURCES src/web/desk_articles_test.cc src/web/test_client.cc LIBS nd_server BOTH_BACKENDS)
  # The desk's translations room, with real passes through the LibreTranslate fixture.
  nd_test(desk_translations_test SOURCES src/web/desk_translations_test.cc src/web/test_client.cc
          LIBS nd_server nd_translate CURL::libcurl BOTH_BACKENDS)
  target_compile_definitions(desk_translations_test PRIVATE ND_SYSTEM_PYTHON="${ND_SYSTEM_PYTHON}")
  nd_test(desk_entities_test SOURCES src/web/desk_entities_test.cc src/web/test_client.cc LIBS nd_server BOTH_BACKENDS)
  # The desk's comments room and People's password reset, with a real SMTP server.
  nd_test(desk_comments_test SOURCES src/web/desk_comments_test.cc src/web/test_client.cc LIBS nd_server BOTH_BACKENDS)
  target_compile_definitions(desk_comments_test PRIVATE ND_SYSTEM_PYTHON="${ND_SYSTEM_PYTHON}")
endif()

# bench/desk: the data generator (run.sh builds and uses it).
add_executable(desk_gen bench/desk/generate.cc)
target_link_libraries(desk_gen PRIVATE nd_readers nd_store fmt::fmt)
