# Test registration: every doctest case of ksm_tests becomes a ctest test,
# and every script in tests/scripts/ (differential tests against Ansible and
# end-to-end runs of the binary) is a ctest test of its own.
include(doctest)
doctest_discover_tests(ksm_tests WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})

file(GLOB KSM_SCRIPT_TESTS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tests/scripts/*.sh)
foreach(script ${KSM_SCRIPT_TESTS})
  get_filename_component(name ${script} NAME_WE)
  add_test(NAME script.${name} COMMAND bash ${script})
  set_tests_properties(script.${name} PROPERTIES
    ENVIRONMENT "KSM_BIN=$<TARGET_FILE:kubespray-migrate>;KSM_SRC=${PROJECT_SOURCE_DIR};KSM_SHARED=${PROJECT_SOURCE_DIR}/../shared"
    SKIP_RETURN_CODE 77
    TIMEOUT 1500)
endforeach()
