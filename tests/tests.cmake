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

# The longest tests start first, so that on two cores they do not run alone
# at the end (on a fresh machine, as in CI, ctest has no timings of its own;
# once it has, its own measurements win). The doctest cases exist only once
# ctest has read doctest's list, so their costs are set by a file included
# after it (ctest ignores a name it does not know: the list depends on the build).
# COST is in seconds of a CI run (gcc, ctest -j2; the last full run where it
# was measured), so that they also start in that order; a test without one
# starts after all of these.
set_tests_properties(script.valgrind_demo script.corpus PROPERTIES COST 1000)
set_tests_properties(script.inplace_kill PROPERTIES COST 140)
set_tests_properties(script.preflight_eval_oracle PROPERTIES COST 125)
set_tests_properties(script.invariant_oracle PROPERTIES COST 120)
set_tests_properties(script.inventory_oracle PROPERTIES COST 100)
# Newer, and about a minute each on a loaded machine: not the last to start.
set_tests_properties(script.runtime_groups_oracle PROPERTIES COST 90)
set_tests_properties(script.output_parses PROPERTIES COST 60)
set_tests_properties(script.vars_oracle script.preflight_ansible_agreement
  script.advisories_apply script.hostile PROPERTIES COST 40)
# The corpus runs every hop for each of its inventories: a sweep (below);
# the invariant oracle runs them too, and Ansible twice per inventory.
set_tests_properties(script.corpus script.invariant_oracle PROPERTIES LABELS sweep)
# Sweeps run a module over every tag of the shared data: CI's sanitizer run
# leaves them to the plain run (-LE sweep), the single-hop tests of the same
# code run there on real data too.
set(KSM_TEST_COSTS "${CMAKE_CURRENT_BINARY_DIR}/ksm_test_costs.cmake")
file(WRITE "${KSM_TEST_COSTS}" [=[
set_tests_properties(
  "upgrade: every consecutive pair v2.11.0 .. v2.31.0 keeps the operator's settings"
  "catalog: versions/ regenerates from the shared data without drift"
  PROPERTIES COST 1000)
set_tests_properties(
  "pipeline: upgrade then preflight from memory, with the operator's schemas"
  "upgrade: the README demo goes every hop to v2.27.0 with the full clone, no marker"
  PROPERTIES COST 40)
set_tests_properties(
  "catalog: evaluated defaults agree with Ansible"
  "upgrade: the bundled demo goes offline from v2.15.1 to v2.27.0"
  PROPERTIES COST 15)
set_tests_properties(
  "upgrade: every consecutive pair v2.11.0 .. v2.31.0 keeps the operator's settings"
  "catalog: versions/ regenerates from the shared data without drift"
  "merge3: real samples, every consecutive pair of tags v2.11.0..v2.31.0"
  "jinja kubespray: every role default template parses, at every tag"
  "schema: completeness over every consecutive pair of versions/"
  "kubespray_tree: every tag loads, with a kubespray-defaults role"
  "catalog: facts of real tags"
  PROPERTIES LABELS sweep)
]=])
set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${KSM_TEST_COSTS}")
