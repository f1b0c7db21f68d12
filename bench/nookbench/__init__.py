"""nook's side-by-side benchmark harness (issue 6). See docs/performance.md."""
