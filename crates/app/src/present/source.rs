//! Where an indicator's figure comes from, in words.

use kehoach_domain::measure::Source;

use super::Tr;

/// "Sổ theo dõi", "Báo cáo của các đơn vị", …
pub fn source_label(t: &Tr, source: Source) -> String {
    t.get(&format!("source-{}", source.key().replace('_', "-")))
}

