# The mail stage: messages composed with vmime, sent over SMTP with libcurl
# or written as .eml files into an outbox folder.
pkg_check_modules(VMIME REQUIRED IMPORTED_TARGET vmime)

add_library(nd_mail STATIC src/mail/compose.cc src/mail/smtp_mailer.cc src/mail/outbox_mailer.cc)
target_link_libraries(nd_mail PUBLIC nd_common PRIVATE PkgConfig::VMIME CURL::libcurl spdlog::spdlog fmt::fmt)

if(BUILD_TESTING)
  # The SMTP server of the tests is Debian's python3-aiosmtpd, so it runs on
  # the system's interpreter, not whichever python3 comes first on PATH.
  find_program(ND_SYSTEM_PYTHON NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
  if(NOT ND_SYSTEM_PYTHON)
    set(ND_SYSTEM_PYTHON /usr/bin/python3)
  endif()
  nd_test(mail_test SOURCES src/mail/mail_test.cc LIBS nd_mail)
  target_compile_definitions(mail_test PRIVATE ND_SYSTEM_PYTHON="${ND_SYSTEM_PYTHON}")
endif()
