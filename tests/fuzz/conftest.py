# The atheris harness and the shared driver are not tests: fuzz_pipeline.py imports atheris (optional, not a
# test dependency) and starts libFuzzer. The property tests that use driver.py are tests/test_fuzz_pipeline.py.
collect_ignore = ["fuzz_pipeline.py", "driver.py"]
