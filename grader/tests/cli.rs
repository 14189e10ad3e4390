//! Command-line behaviour pinned as case files in `tests/cmd/` (they double as examples).

#[test]
fn cli_cases() {
    trycmd::TestCases::new()
        .case("tests/cmd/*.toml")
        .case("tests/cmd/*.md");
}
