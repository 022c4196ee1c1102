//! The five facade functions, by the names the spec pages use.

use std::fmt;

/// A function of the IdentityDeletionProcess facade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Function {
    /// RID1
    Initiate,
    /// RID2
    Cancel,
    /// RID3
    Get,
    /// RID4
    GetActive,
    /// RID5
    GetAll,
}

impl Function {
    /// Every function.
    pub const ALL: [Function; 5] = [
        Function::Initiate,
        Function::Cancel,
        Function::Get,
        Function::GetActive,
        Function::GetAll,
    ];

    /// The name the spec pages and the runtime use.
    pub const fn name(self) -> &'static str {
        match self {
            Function::Initiate => "initiateIdentityDeletionProcess",
            Function::Cancel => "cancelIdentityDeletionProcess",
            Function::Get => "getIdentityDeletionProcess",
            Function::GetActive => "getActiveIdentityDeletionProcess",
            Function::GetAll => "getIdentityDeletionProcesses",
        }
    }

    /// The use-case id of its page (`RID1`–`RID5`), also the area of its rule ids.
    pub const fn use_case(self) -> &'static str {
        match self {
            Function::Initiate => "RID1",
            Function::Cancel => "RID2",
            Function::Get => "RID3",
            Function::GetActive => "RID4",
            Function::GetAll => "RID5",
        }
    }

    /// The function called `name`.
    pub fn parse(name: &str) -> Option<Function> {
        Function::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The parameters it takes.
    pub const fn parameters(self) -> &'static [&'static str] {
        match self {
            Function::Initiate => &["lengthOfGracePeriodInDays"],
            Function::Get => &["id"],
            Function::Cancel | Function::GetActive | Function::GetAll => &[],
        }
    }
}

impl fmt::Display for Function {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
