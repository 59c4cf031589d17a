# cmake -DINPUT=<yaml> -DOUTPUT=<inc> -P embed.cmake
# Writes the file as one C++ raw string literal, for lib/Models.cpp.
file(READ "${INPUT}" TEXT)
string(FIND "${TEXT}" ")taskleak_yaml\"" CLASH)
if(NOT CLASH EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw string delimiter")
endif()
file(WRITE "${OUTPUT}.tmp" "R\"taskleak_yaml(${TEXT})taskleak_yaml\"\n")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUTPUT}.tmp" "${OUTPUT}")
file(REMOVE "${OUTPUT}.tmp")
