//! Where to search for a requester's data: the processing activities whose categories of data
//! subjects match who the requester is to the organisation ("anställd", "elev", "vårdnadshavare",
//! "brukare", …). Swedish nouns are inflected ("anställd", "anställda"; "elev", "elever"), so two
//! categories match when one contains the other's stem.

/// A word's stem for matching: lower case, without the last two letters of a long word.
fn stem(word: &str) -> String {
    let w: Vec<char> = word.trim().to_lowercase().chars().collect();
    let keep = if w.len() > 6 { w.len() - 2 } else { w.len() };
    w[..keep.min(w.len())].iter().collect()
}

/// Whether a processing activity's category of data subjects covers the requester's.
pub fn category_matches(requester: &str, category: &str) -> bool {
    let (r, c) = (stem(requester), stem(category));
    if r.chars().count() < 3 || c.chars().count() < 3 {
        return false;
    }
    let category = category.to_lowercase();
    let requester = requester.to_lowercase();
    category.contains(&r) || requester.contains(&c)
}

/// Whether any of a processing activity's categories covers the requester's.
pub fn processing_matches(requester: &str, categories: &[String]) -> bool {
    categories.iter().any(|c| category_matches(requester, c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inflected_and_compound_categories_match() {
        for (r, c) in [
            ("Anställd", "Anställda"),
            ("anställda", "Anställd personal"),
            ("Elev", "Elever"),
            ("Vårdnadshavare", "Elevers vårdnadshavare"),
            ("Invånare", "Kommuninvånare"),
            ("Brukare", "Brukare i hemtjänsten"),
            ("Sökande", "Sökande till försörjningsstöd"),
        ] {
            assert!(category_matches(r, c), "{r} ~ {c}");
        }
    }

    #[test]
    fn other_categories_and_fragments_do_not() {
        for (r, c) in [
            ("Anställd", "Elever"),
            ("Elev", "Vårdnadshavare"),
            ("Brukare", "Anhöriga"),
            ("ab", "Abonnenter"),
            ("", "Elever"),
        ] {
            assert!(!category_matches(r, c), "{r} !~ {c}");
        }
        assert!(processing_matches(
            "Elev",
            &["Lärare".into(), "Elever".into()]
        ));
        assert!(!processing_matches("Elev", &[]));
    }
}
