//! Words too common to say what an article is about, in the languages feeds most often use.

/// Sorted, lower case; looked up by binary search.
const STOPWORDS: &[&str] = &[
    "aber", "about", "after", "again", "against", "alle", "als", "also", "among", "and", "any", "are",
    "around", "auch", "auf", "aus", "avec", "back", "because", "been", "before", "bei", "being", "between",
    "both", "but", "can", "ces", "cette", "come", "como", "con", "could", "dans", "das", "dass", "day",
    "del", "dem", "den", "der", "des", "did", "die", "does", "doing", "down", "during", "each", "ein",
    "eine", "einer", "eines", "est", "esta", "este", "even", "first", "for", "from", "für", "get", "gets",
    "going", "had", "has", "have", "having", "her", "here", "hers", "him", "his", "how", "ich", "ihr",
    "into", "its", "itself", "just", "las", "les", "like", "los", "made", "make", "many", "may", "mehr",
    "mit", "more", "most", "much", "must", "nach", "new", "nicht", "noch", "not", "nous", "now", "off",
    "old", "once", "one", "only", "other", "our", "out", "over", "own", "par", "para", "pas", "per", "plus",
    "por", "pour", "que", "qui", "read", "said", "same", "say", "says", "see", "she", "should", "sich",
    "sie", "since", "sind", "some", "still", "such", "sur", "take", "than", "that", "the", "their", "them",
    "then", "there", "these", "they", "this", "those", "three", "through", "too", "two", "una", "und",
    "under", "une", "uns", "until", "upon", "use", "used", "very", "vom", "von", "vor", "war", "was", "way",
    "well", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "wie", "will", "wird",
    "with", "would", "year", "years", "yet", "you", "your", "zum", "zur", "über",
];

/// Whether `word` (lower case) is a stop word.
pub fn is_stopword(word: &str) -> bool {
    STOPWORDS.binary_search(&word).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_sorted_so_binary_search_works() {
        assert!(
            STOPWORDS.windows(2).all(|w| w[0] < w[1]),
            "{:?}",
            STOPWORDS.windows(2).find(|w| w[0] >= w[1])
        );
        assert!(is_stopword("the") && is_stopword("über") && !is_stopword("rust"));
    }
}
