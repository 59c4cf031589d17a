# cmake -DDOCS_DIR=<docs/checks> -DOUT=<CheckDocs.inc> -P EmbedDocs.cmake
#
# Writes one initializer per check page, {"taskleak-<page>", R"(<markdown>)"},
# for Report.cpp's table of rule descriptions. Every check of the manifest
# (checks/Checks.def) must have its page and every page its check: a missing
# or misnamed page fails the build instead of dropping a rule's help.
cmake_minimum_required(VERSION 3.20)
get_filename_component(manifest ${DOCS_DIR}/../../checks/Checks.def ABSOLUTE)
file(STRINGS ${manifest} entries REGEX "^TASKLEAK_CHECK\\(\"[a-z0-9-]+\"")
set(names)
foreach(entry IN LISTS entries)
  string(REGEX MATCH "^TASKLEAK_CHECK\\(\"([a-z0-9-]+)\"" _ "${entry}")
  list(APPEND names ${CMAKE_MATCH_1})
  if(NOT EXISTS ${DOCS_DIR}/${CMAKE_MATCH_1}.md)
    message(FATAL_ERROR "${manifest}: check '${CMAKE_MATCH_1}' has no page "
                        "${DOCS_DIR}/${CMAKE_MATCH_1}.md")
  endif()
endforeach()
file(GLOB docs ${DOCS_DIR}/*.md)
list(SORT docs)
set(out "// Generated from docs/checks/*.md by tools/taskleak/EmbedDocs.cmake.\n")
foreach(doc IN LISTS docs)
  get_filename_component(name ${doc} NAME_WE)
  if(NOT name IN_LIST names)
    message(FATAL_ERROR "${doc}: no check '${name}' in ${manifest}")
  endif()
  file(READ ${doc} text)
  string(FIND "${text}" ")taskleak_doc\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${doc} contains the raw string delimiter )taskleak_doc\"")
  endif()
  string(APPEND out "{\"taskleak-${name}\", R\"taskleak_doc(${text})taskleak_doc\"},\n")
endforeach()
file(WRITE ${OUT}.tmp "${out}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different ${OUT}.tmp ${OUT})
file(REMOVE ${OUT}.tmp)
