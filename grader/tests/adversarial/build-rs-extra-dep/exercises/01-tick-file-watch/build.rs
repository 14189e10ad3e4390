//! ATTACK: build-rs-extra-dep (the build script). Runs on the grading machine at build
//! time: leaves a file outside the staging area to prove it ran, and switches on the cfg
//! that compiles the copied solution in `src/lib.rs`.

fn main() {
    let _ = std::fs::create_dir_all("@GRADER_OUTSIDE@");
    let _ = std::fs::write(
        "@GRADER_OUTSIDE@/build-rs-extra-dep-ran.txt",
        "GRADER-ADVERSARIAL-MARKER build-rs-extra-dep: the build script ran\n",
    );
    println!("cargo::rustc-check-cfg=cfg(adversarial_build_rs)");
    println!("cargo::rustc-cfg=adversarial_build_rs");
}
