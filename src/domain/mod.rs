//! The domain model of IdentityDeletionProcesses: the one source of truth for
//! status names, the id format, the DTO, the error codes and messages, and the
//! default grace period. The facts and their sources are in `docs/domain.md`.

mod duration;
mod error;
mod field;
mod function;
mod grace_period;
mod process;
mod process_id;
mod status;
mod timestamp;

pub use duration::format_duration;
pub use error::{DomainError, ErrorKind};
pub use field::Field;
pub use function::Function;
pub use grace_period::{DEFAULT_GRACE_PERIOD_DAYS, MAX_GRACE_PERIOD_DAYS};
pub use process::{DtoDefect, FieldDefect, IdentityDeletionProcess};
pub use process_id::{PROCESS_ID_PREFIX, PROCESS_ID_SUFFIX_LEN, ProcessId, ProcessIdError};
pub use status::Status;
pub use timestamp::{
    MAX_FRACTION_DIGITS, TIMESTAMP_RULE, format_instant, format_timestamp, parse_timestamp,
    parse_utc_timestamp,
};

/// The event the runtime publishes on initiate and on cancel; its data is the DTO.
pub const STATUS_CHANGED_EVENT: &str = "transport.identityDeletionProcessStatusChanged";
