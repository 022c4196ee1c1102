//! `cargo xtask bench-gen`: parse + generate against the parse-only floor.
//!
//! The floor reads the same files and runs only the YAML parse (serde-saphyr)
//! and the Markdown parse (pulldown-cmark) on each page. The full measurement
//! is what `gen` does in memory: parse, render, and parse each feature back.

use crate::pipeline::{self, PipelineError, page_paths};
use std::fmt;
use std::path::Path;
use std::time::{Duration, Instant};

/// Timings of one `bench-gen` run (medians over the iterations).
#[derive(Debug)]
pub struct Report {
    /// Pages in the directory.
    pub pages: usize,
    /// Median time of the floor over all pages.
    pub floor: Duration,
    /// Median time of parse + generate (+ parse-back check) over all pages.
    pub full: Duration,
    /// Median time of parse + generate without the parse-back check.
    pub without_verify: Duration,
}

fn per_second(pages: usize, d: Duration) -> f64 {
    pages as f64 / d.as_secs_f64().max(f64::MIN_POSITIVE)
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        writeln!(f, "pages: {}", self.pages)?;
        writeln!(
            f,
            "floor (read + YAML + Markdown parse): {:.2} ms, {:.0} pages/s",
            ms(self.floor),
            per_second(self.pages, self.floor)
        )?;
        writeln!(
            f,
            "parse + generate: {:.2} ms, {:.0} pages/s, {:.2}x the floor",
            ms(self.without_verify),
            per_second(self.pages, self.without_verify),
            ms(self.without_verify) / ms(self.floor).max(f64::MIN_POSITIVE)
        )?;
        write!(
            f,
            "parse + generate + parse-back check (what `gen` does): {:.2} ms, {:.0} pages/s, {:.2}x the floor",
            ms(self.full),
            per_second(self.pages, self.full),
            ms(self.full) / ms(self.floor).max(f64::MIN_POSITIVE)
        )
    }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}

fn time(
    iterations: u32,
    mut work: impl FnMut() -> Result<(), PipelineError>,
) -> Result<Duration, PipelineError> {
    work()?; // warm-up (file cache, allocator)
    let mut samples = Vec::with_capacity(iterations as usize);
    for _ in 0..iterations {
        let start = Instant::now();
        work()?;
        samples.push(start.elapsed());
    }
    Ok(median(samples))
}

fn floor_once(paths: &[std::path::PathBuf]) -> Result<(), PipelineError> {
    for path in paths {
        let text = std::fs::read_to_string(path)
            .map_err(|e| PipelineError::Other(format!("{}: {e}", path.display())))?;
        let (yaml, body) = split_fences(&text);
        let parsed: Result<serde::de::IgnoredAny, _> = serde_saphyr::from_str(yaml);
        std::hint::black_box(parsed.is_ok());
        let events = pulldown_cmark::Parser::new(body).count();
        std::hint::black_box(events);
    }
    Ok(())
}

fn split_fences(text: &str) -> (&str, &str) {
    let rest = text.strip_prefix("---\n").unwrap_or(text);
    match rest.find("\n---\n") {
        Some(i) => (&rest[..i], &rest[i + 5..]),
        None => (rest, ""),
    }
}

/// Runs the benchmark over the pages of `spec_dir`.
pub fn run(spec_dir: &Path, iterations: u32) -> Result<Report, PipelineError> {
    let paths = page_paths(spec_dir)?;
    let floor = time(iterations, || floor_once(&paths))?;
    let without_verify = time(iterations, || {
        for path in &paths {
            if let Ok(page) = crate::spec::read_page(path) {
                std::hint::black_box(crate::generate::render(&page));
            }
        }
        Ok(())
    })?;
    let full = time(iterations, || {
        pipeline::plan(spec_dir, &[]).map(|p| {
            std::hint::black_box(p.features.len());
        })
    })?;
    Ok(Report {
        pages: paths.len(),
        floor,
        full,
        without_verify,
    })
}
