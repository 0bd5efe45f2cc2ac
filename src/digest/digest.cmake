# The daily mailing (issue 7): subscriptions, the digest, its sender.
find_package(date REQUIRED)

add_library(nd_digest STATIC src/digest/schedule.cc src/digest/links.cc src/digest/subscriptions.cc
  src/digest/composer.cc src/digest/sender.cc src/digest/desk_mail.cc)
target_link_libraries(nd_digest PUBLIC nd_common nd_store nd_mail nd_readers nd_mentions
  PRIVATE nd_render date::date-tz PkgConfig::SODIUM fmt::fmt spdlog::spdlog nlohmann_json::nlohmann_json Threads::Threads)

# The site serves the subscription pages.
target_sources(nd_web PRIVATE src/web/subscription_pages.cc)
target_link_libraries(nd_web PUBLIC nd_digest)

target_sources(newsdesk PRIVATE src/cli/digest_command.cc)
target_link_libraries(newsdesk PRIVATE nd_digest)

if(BUILD_TESTING)
  nd_test(digest_test SOURCES src/digest/digest_test.cc LIBS nd_digest nd_render BOTH_BACKENDS)
  target_compile_definitions(digest_test PRIVATE ND_SYSTEM_PYTHON="${ND_SYSTEM_PYTHON}")
  nd_test(desk_mail_test SOURCES src/digest/desk_mail_test.cc LIBS nd_digest nd_render BOTH_BACKENDS)
  target_compile_definitions(desk_mail_test PRIVATE ND_SYSTEM_PYTHON="${ND_SYSTEM_PYTHON}")
  add_test(NAME digest_cli_test COMMAND bash ${CMAKE_SOURCE_DIR}/tests/digest_cli_test.sh $<TARGET_FILE:newsdesk>
           ${CMAKE_SOURCE_DIR})
  set_tests_properties(digest_cli_test PROPERTIES TIMEOUT 240)
  add_test(NAME mailing_e2e_test COMMAND bash ${CMAKE_SOURCE_DIR}/tests/mailing_e2e_test.sh $<TARGET_FILE:newsdesk>
           ${CMAKE_SOURCE_DIR})
  set_tests_properties(mailing_e2e_test PROPERTIES TIMEOUT 120)
endif()
