// The migrations are embedded by `sqlx::migrate!`, which cannot tell cargo that
// a new file in their directories changes the build (as sqlx's documentation
// advises, this does).
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
