# trace_check.cmake: runs one Verilator harness test with +trace in a clean folder and checks that
# it wrote a non-empty FST file whose first block is the FST header (block type 0).
# cmake -DTEST=<binary> -DFILTER=<gtest filter> -DOUT=<expected .fst name> -DWORK=<dir> -P this
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
execute_process(COMMAND ${TEST} +trace --gtest_filter=${FILTER} WORKING_DIRECTORY ${WORK}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${TEST} +trace failed (${rc}):\n${out}")
endif()
if(NOT EXISTS ${WORK}/${OUT})
  message(FATAL_ERROR "+trace wrote no ${OUT} in ${WORK}")
endif()
file(SIZE ${WORK}/${OUT} size)
file(READ ${WORK}/${OUT} head LIMIT 1 HEX)
if(size LESS 1000 OR NOT head STREQUAL "00")
  message(FATAL_ERROR "${OUT}: ${size} bytes, first byte ${head}: not an FST waveform")
endif()
message(STATUS "${OUT}: ${size} bytes")
