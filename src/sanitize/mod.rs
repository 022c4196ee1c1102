//! Implementation-supplied text is data: the modules here turn it into each
//! sink's safe form.
//!
//! - [`xml`]: the XML of the JUnit reports (characters XML 1.0 cannot carry
//!   replaced).

pub mod xml;
