//! Every text of a loaded results file cut to the excerpt the format
//! promises ([`super::MAX_VALUE_BYTES`]): a file written by hand or by
//! another program cannot put a 1 MB value into a report. The suite's own
//! files are already cut, and cutting again changes nothing.

use super::{Case, ResultsFile, bounded};

fn cut(text: &mut String) {
    if text.len() > super::MAX_VALUE_BYTES {
        *text = bounded(text);
    }
}

fn cut_some(text: &mut Option<String>) {
    if let Some(text) = text {
        cut(text);
    }
}

fn cut_all(texts: &mut [String]) {
    texts.iter_mut().for_each(cut);
}

fn cut_case(case: &mut Case) {
    for text in [&mut case.name, &mut case.feature, &mut case.location] {
        cut(text);
    }
    cut_all(&mut case.use_cases);
    cut_all(&mut case.rules);
    cut_all(&mut case.tags);
    for text in [
        &mut case.fault,
        &mut case.skip_reason,
        &mut case.problem,
        &mut case.message,
        &mut case.source_note,
    ] {
        cut_some(text);
    }
    if let Some(e) = &mut case.expected {
        for text in [&mut e.kind, &mut e.by, &mut e.reason] {
            cut(text);
        }
        cut_some(&mut e.issue);
    }
    if let Some(f) = &mut case.failure {
        cut(&mut f.rule);
        cut(&mut f.summary);
        cut_some(&mut f.expected);
        cut_some(&mut f.actual);
    }
    if let Some(b) = &mut case.bullet {
        cut(&mut b.page);
        cut(&mut b.section);
    }
    for step in &mut case.steps {
        for text in [&mut step.keyword, &mut step.text, &mut step.status] {
            cut(text);
        }
    }
    if let Some(f) = &mut case.fuzz {
        cut_some(&mut f.sequence);
        cut_some(&mut f.scenario);
    }
}

/// Cuts every text of `file` to [`super::MAX_VALUE_BYTES`].
pub fn cut_texts(file: &mut ResultsFile) {
    let i = &mut file.implementation;
    cut(&mut i.name);
    cut(&mut i.version);
    cut_all(&mut i.capabilities);
    cut(&mut file.suite.version);
    cut(&mut file.suite.spec_digest);
    if let Some(g) = &mut file.gate {
        cut(&mut g.expectations);
        cut_all(&mut g.problems);
    }
    for w in &mut file.waivers {
        cut(&mut w.rule);
        cut(&mut w.reason);
        cut_some(&mut w.issue);
    }
    for page in &mut file.pages {
        for text in [&mut page.use_case, &mut page.title, &mut page.file] {
            cut(text);
        }
        cut_some(&mut page.description);
        for section in &mut page.sections {
            cut(&mut section.name);
            for bullet in &mut section.bullets {
                cut(&mut bullet.text);
            }
        }
    }
    file.cases.iter_mut().for_each(cut_case);
    cut_all(&mut file.parse_errors);
}
