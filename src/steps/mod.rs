//! The cucumber world and step definitions.
//!
//! Steps match the texts the generator writes from the spec pages by
//! pattern (a phrase grammar per kind of statement), not one definition per
//! file or bullet; the hand-written features use the same vocabulary plus a
//! few precise checks. A step that no definition matches fails the run.

mod capabilities;
mod expect;
mod function;
mod given;
mod then;
mod when;
mod world;

pub use capabilities::{CAPABILITY_STEPS, StepKind, required_capabilities};
pub use function::Function;
pub use world::{ConformanceWorld, ERRORED_PREFIX, RunContext};
