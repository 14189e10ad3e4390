fn main() {
    timeline::demo(async {});
}
