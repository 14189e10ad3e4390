// Demo submission: a build script that would run on the grader's machine if it were used.
fn main() {
    println!("cargo:warning=this build script is never run by the grader");
}
