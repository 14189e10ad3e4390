// Demo submission: a student "fixed" the failing tests by deleting what they check.
#[test]
fn everything_passes() {}
