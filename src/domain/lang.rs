//! The two languages guanxi speaks. Every engine that writes words for people
//! takes one, so it sits at the bottom of the layers (docs/architecture.md).

/// The language prompts, explanations and reports are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    /// The word for this language, of the two given.
    ///
    /// ```
    /// use guanxi::domain::Lang;
    /// assert_eq!(Lang::Zh.say("Visit", "拜访"), "拜访");
    /// assert_eq!(Lang::En.say("Visit", "拜访"), "Visit");
    /// ```
    pub fn say(self, en: &'static str, zh: &'static str) -> &'static str {
        match self {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }

    /// [`Lang::say`] for words that are not `'static` (labels read from files).
    pub fn pick<'a>(self, en: &'a str, zh: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }
}
