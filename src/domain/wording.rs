//! English counts said right: "1 unit", "2 units". Chinese needs no plural, so
//! only the English texts of the engines and reports use this.

/// `n` followed by the singular or the plural noun, as English says it.
///
/// ```
/// assert_eq!(guanxi::domain::count(1, "unit", "units"), "1 unit");
/// assert_eq!(guanxi::domain::count(0, "request", "requests"), "0 requests");
/// ```
pub fn count(n: impl Into<i64>, one: &str, many: &str) -> String {
    let n = n.into();
    if n == 1 || n == -1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

#[cfg(test)]
mod tests {
    use super::count;

    #[test]
    fn one_is_singular_and_everything_else_plural() {
        assert_eq!(count(1, "unit", "units"), "1 unit");
        assert_eq!(count(2, "unit", "units"), "2 units");
        assert_eq!(count(0, "unit", "units"), "0 units");
        assert_eq!(count(-1, "unit", "units"), "-1 unit");
    }
}
