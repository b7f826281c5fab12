//! Amounts as people read them: "1,234,567 CNY" in English, "4800万元" in Chinese.
//! The engines, the reports and the command line all write money through here,
//! so one deal's amount reads the same everywhere.

/// Whole units with thousands separated by commas.
///
/// ```
/// assert_eq!(guanxi::domain::grouped(1_234_567.4), "1,234,567");
/// assert_eq!(guanxi::domain::grouped(-999.0), "-999");
/// ```
pub fn grouped(amount: f64) -> String {
    let whole = amount.round() as i64;
    let digits = whole.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    format!("{}{out}", if whole < 0 { "-" } else { "" })
}

/// An amount with thousands separators and its currency code.
///
/// ```
/// assert_eq!(guanxi::domain::money(48_000_000.0, "CNY"), "48,000,000 CNY");
/// ```
pub fn money(amount: f64, currency: &str) -> String {
    format!("{} {currency}", grouped(amount))
}

/// An amount as a Chinese coach writes it: 4800万元, 1.26亿元, 8.6万元; other
/// currencies in their Chinese names (万美元). Up to two decimals, trailing zeros
/// dropped.
///
/// ```
/// assert_eq!(guanxi::domain::money_zh(48_000_000.0, "CNY"), "4800万元");
/// assert_eq!(guanxi::domain::money_zh(126_000_000.0, "CNY"), "1.26亿元");
/// ```
pub fn money_zh(amount: f64, currency: &str) -> String {
    let unit = match currency.to_ascii_uppercase().as_str() {
        "CNY" | "RMB" => "元",
        "USD" => "美元",
        "EUR" => "欧元",
        "HKD" => "港元",
        "JPY" => "日元",
        "GBP" => "英镑",
        other => return format!("{} {other}", short(amount)),
    };
    let a = amount.abs();
    let sign = if amount < 0.0 { "-" } else { "" };
    if a >= 1e8 {
        format!("{sign}{}亿{unit}", short(a / 1e8))
    } else if a >= 1e4 {
        format!("{sign}{}万{unit}", short(a / 1e4))
    } else {
        format!("{sign}{}{unit}", short(a))
    }
}

/// A number with at most two decimals and no trailing zeros.
fn short(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}
