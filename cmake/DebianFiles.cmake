# What the .deb needs besides the programs, so that lintian finds no error:
# the copyright file, a compressed changelog (this is a native package) and
# man pages, generated from each program's --help with help2man (skipped,
# with a note, when help2man is not installed). Installed under
# share/doc/<package> and share/man/man1 (CMakeLists.txt).
set(TASKLEAK_DEBIAN_DIR ${CMAKE_BINARY_DIR}/debian)
configure_file(${PROJECT_SOURCE_DIR}/cmake/debian/copyright.in
               ${TASKLEAK_DEBIAN_DIR}/copyright @ONLY)
configure_file(${PROJECT_SOURCE_DIR}/cmake/debian/changelog.in
               ${TASKLEAK_DEBIAN_DIR}/changelog @ONLY)
find_program(TASKLEAK_GZIP gzip REQUIRED)
# gzip -9n: maximal compression, no name or time stamp (reproducible).
add_custom_command(
  OUTPUT ${TASKLEAK_DEBIAN_DIR}/changelog.gz
  COMMAND sh -c "'${TASKLEAK_GZIP}' -9nc changelog > changelog.gz"
  WORKING_DIRECTORY ${TASKLEAK_DEBIAN_DIR}
  DEPENDS ${TASKLEAK_DEBIAN_DIR}/changelog
  VERBATIM)
set(TASKLEAK_DEBIAN_OUTPUTS ${TASKLEAK_DEBIAN_DIR}/changelog.gz)

find_program(TASKLEAK_HELP2MAN help2man)
set(TASKLEAK_MAN_PAGES "")
if(TASKLEAK_HELP2MAN)
  # name, command, one-line summary
  set(pages
    "taskleak${TASKLEAK_PROGRAM_SUFFIX}|$<TARGET_FILE:taskleak>|find leaked threads, coroutines and tasks in C++")
  if(TARGET taskleak-clangd)
    list(APPEND pages
      "taskleak-clangd${TASKLEAK_PROGRAM_SUFFIX}|$<TARGET_FILE:taskleak-clangd>|clangd ${TASKLEAK_LLVM_MAJOR} with the taskleak checks")
  endif()
  list(APPEND pages
    "taskleak-pre-commit${TASKLEAK_PROGRAM_SUFFIX}|${PROJECT_SOURCE_DIR}/scripts/taskleak-pre-commit|run taskleak on the translation units of changed files")
  foreach(page IN LISTS pages)
    string(REPLACE "|" ";" fields "${page}")
    list(GET fields 0 name)
    list(GET fields 1 command)
    list(GET fields 2 summary)
    set(out ${TASKLEAK_DEBIAN_DIR}/man/${name}.1)
    add_custom_command(
      OUTPUT ${out}.gz
      COMMAND ${CMAKE_COMMAND} -E make_directory ${TASKLEAK_DEBIAN_DIR}/man
      COMMAND ${TASKLEAK_HELP2MAN} --no-info --no-discard-stderr
              --version-string=${PROJECT_VERSION} --name=${summary}
              --output=${out} ${command}
      COMMAND ${TASKLEAK_GZIP} -9nf ${out}
      DEPENDS ${command}
      VERBATIM)
    list(APPEND TASKLEAK_DEBIAN_OUTPUTS ${out}.gz)
    list(APPEND TASKLEAK_MAN_PAGES ${out}.gz)
  endforeach()
else()
  message(STATUS "taskleak: help2man not found: no man pages in the .deb "
                 "(apt-get install help2man)")
endif()
add_custom_target(taskleak-debian-files ALL DEPENDS ${TASKLEAK_DEBIAN_OUTPUTS})
install(FILES ${TASKLEAK_DEBIAN_DIR}/copyright ${TASKLEAK_DEBIAN_DIR}/changelog.gz
        DESTINATION ${TASKLEAK_INSTALL_DOCDIR})
if(TASKLEAK_MAN_PAGES)
  install(FILES ${TASKLEAK_MAN_PAGES} DESTINATION share/man/man1)
endif()
