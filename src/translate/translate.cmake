# Machine translation (issue 9): LibreTranslate and Apertium APy clients, the
# cache-backed translation pass, `newsdesk translate run` and
# `newsdesk translation edit`.
add_library(nd_translate STATIC src/translate/translators.cc src/translate/pass.cc)
target_link_libraries(nd_translate PUBLIC nd_common nd_store
  PRIVATE CURL::libcurl PkgConfig::SODIUM fmt::fmt spdlog::spdlog nlohmann_json::nlohmann_json Threads::Threads)

target_sources(newsdesk PRIVATE src/cli/translate_command.cc)
target_link_libraries(newsdesk PRIVATE nd_translate)

if(BUILD_TESTING)
  nd_test(translate_test SOURCES src/translate/translate_test.cc LIBS nd_translate CURL::libcurl fmt::fmt)
  target_compile_definitions(translate_test PRIVATE ND_SYSTEM_PYTHON="${ND_SYSTEM_PYTHON}")
  add_test(NAME translate_cli_test COMMAND bash ${CMAKE_SOURCE_DIR}/src/translate/translate_cli_test.sh
           $<TARGET_FILE:newsdesk> ${CMAKE_SOURCE_DIR})
  set_tests_properties(translate_cli_test PROPERTIES TIMEOUT 120)

  add_executable(translate_bench bench/translate/translate_bench.cc)
  target_link_libraries(translate_bench PRIVATE nd_translate CURL::libcurl fmt::fmt)
  target_compile_definitions(translate_bench PRIVATE ND_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
endif()
