//! Interface texts in Vietnamese (default) and English, from `locales/*/main.ftl`: the one
//! place where a key becomes words.
//!
//! The plan's own text is the plan's: it is shown as written, whatever the interface language.

use fluent_templates::{LanguageIdentifier, Loader, langid};
use kehoach_domain::Lang;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "vi",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static VI: LanguageIdentifier = langid!("vi");
static EN: LanguageIdentifier = langid!("en");

/// The translator handed to templates.
#[derive(Clone, Copy, Debug)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn new(lang: Lang) -> Tr {
        Tr { lang }
    }

    fn id(&self) -> &'static LanguageIdentifier {
        match self.lang {
            Lang::Vi => &VI,
            Lang::En => &EN,
        }
    }

    pub fn get(&self, key: &str) -> String {
        LOCALES.lookup(self.id(), key)
    }

    /// A text with one argument (`{ $n }` in the .ftl file).
    pub fn with(&self, key: &str, name: &'static str, value: impl ToString) -> String {
        self.args(key, &[(name, value.to_string())])
    }

    /// A text with several arguments.
    pub fn args(&self, key: &str, values: &[(&'static str, String)]) -> String {
        let args =
            values.iter().map(|(name, value)| (std::borrow::Cow::Borrowed(*name), fluent_value(value))).collect();
        LOCALES.lookup_with_args(self.id(), key, &args)
    }

    pub fn code(&self) -> &'static str {
        self.lang.code()
    }
}

/// A whole number as a number, so that the .ftl files can choose the plural ("1 record", "2
/// records"); anything else (a code such as "05", a decimal already worded "2,5") as text.
fn fluent_value(value: &str) -> fluent_templates::fluent_bundle::FluentValue<'static> {
    use fluent_templates::fluent_bundle::FluentValue;
    match value.parse::<i64>() {
        Ok(n) if n.to_string() == value && n.unsigned_abs() < (1 << 53) => FluentValue::from(n),
        _ => FluentValue::from(value.to_owned()),
    }
}

/// The keys an .ftl text defines, sorted.
#[cfg(test)]
pub(crate) fn ftl_keys(text: &str) -> Vec<String> {
    let mut keys: Vec<String> = text
        .lines()
        .filter(|l| !l.starts_with(' ') && !l.starts_with('#') && l.contains(" ="))
        .filter_map(|l| l.split(" =").next().map(|k| k.trim().to_owned()))
        .collect();
    keys.sort();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every key of one language exists in the other, so no page shows a raw key: in every
    /// file of the interface texts.
    #[test]
    fn both_languages_have_the_same_keys() {
        let vi = ftl_keys(include_str!("../../locales/vi/main.ftl"));
        let en = ftl_keys(include_str!("../../locales/en/main.ftl"));
        assert!(vi.len() > 20, "few keys: {vi:?}");
        assert_eq!(vi, en);
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
        for file in std::fs::read_dir(dir.join("vi")).expect("the Vietnamese texts") {
            let name = file.expect("a file").file_name();
            let read = |lang: &str| std::fs::read_to_string(dir.join(lang).join(&name)).expect("both languages");
            assert_eq!(ftl_keys(&read("vi")), ftl_keys(&read("en")), "{name:?}");
        }
    }

    #[test]
    fn looks_up_in_both_languages() {
        assert_eq!(Tr::new(Lang::Vi).get("nav-plans"), "Kế hoạch");
        assert_eq!(Tr::new(Lang::En).get("nav-plans"), "Plans");
        assert_eq!(Tr::new(Lang::Vi).with("time-frame-year", "year", 2026), "Năm 2026");
    }

    /// English chooses the plural by the number; Vietnamese has none to choose.
    #[test]
    fn english_counts_take_the_right_plural() {
        let en = Tr::new(Lang::En);
        assert_eq!(en.with("register-count", "count", 1), "1 record");
        assert_eq!(en.with("register-count", "count", 2), "2 records");
        assert_eq!(en.with("register-count", "count", 0), "0 records");
        assert_eq!(en.with("time-days-left", "days", 1), "1 day left");
        assert_eq!(en.with("time-overdue", "days", 3), "3 days overdue");
        assert_eq!(en.with("group-member-count", "n", 1), "1 unit");
        assert_eq!(en.with("evidence-hidden", "count", 1), "1 record of another unit is counted but not shown to you.");
        assert_eq!(Tr::new(Lang::Vi).with("register-count", "count", 1), "1 bản ghi");
        assert_eq!(Tr::new(Lang::Vi).with("register-count", "count", 12345), "12345 bản ghi");
        // A code stays as typed.
        assert_eq!(Tr::new(Lang::Vi).with("period-quarter", "quarter", "01"), "Quý 01");
    }

    /// No text of either language is left with a "(s)" for a plural.
    #[test]
    fn no_text_hedges_its_plural() {
        for text in [include_str!("../../locales/en/main.ftl"), include_str!("../../locales/vi/main.ftl")] {
            assert!(!text.contains("(s)"), "a plural by (s)");
        }
    }
}
